import { type ClassConstructor } from 'class-transformer';
import { AddNodeRequestPayload, type AddNodeRequestInput } from './dto/add-node-request-payload.dto';
import { AddNodeResultPayload } from './dto/add-node-result-payload.dto';
import { GraphGenerationProgressPayload } from './dto/graph-generation-progress-payload.dto';
import { GraphGenerationRequestPayload, type GraphGenerationRequestInput } from './dto/graph-generation-request-payload.dto';
import { GraphGenerationResultPayload } from './dto/graph-generation-result-payload.dto';
import { GraphSummaryRequestPayload, type GraphSummaryRequestInput } from './dto/graph-summary-request-payload.dto';
import { GraphSummaryResultPayload } from './dto/graph-summary-result-payload.dto';
import { TaskType } from './task-type.enum';

/** Task type -> validated payload type. */
export interface TaskPayloads {
  [TaskType.GRAPH_GENERATION_REQUEST]: GraphGenerationRequestPayload;
  [TaskType.GRAPH_GENERATION_PROGRESS]: GraphGenerationProgressPayload;
  [TaskType.GRAPH_GENERATION_RESULT]: GraphGenerationResultPayload;
  [TaskType.ADD_NODE_REQUEST]: AddNodeRequestPayload;
  [TaskType.ADD_NODE_RESULT]: AddNodeResultPayload;
  [TaskType.GRAPH_SUMMARY_REQUEST]: GraphSummaryRequestPayload;
  [TaskType.GRAPH_SUMMARY_RESULT]: GraphSummaryResultPayload;
}

/** Request task type -> what a caller hands to buildEnvelope (defaults and fixed fields left out). */
export interface RequestPayloadInputs {
  [TaskType.GRAPH_GENERATION_REQUEST]: GraphGenerationRequestInput;
  [TaskType.ADD_NODE_REQUEST]: AddNodeRequestInput;
  [TaskType.GRAPH_SUMMARY_REQUEST]: GraphSummaryRequestInput;
}

/** Task type -> class-validator DTO class. Exhaustive by type: a new TaskType fails to compile here. */
export const TASK_PAYLOAD_CLASSES: { readonly [K in TaskType]: ClassConstructor<TaskPayloads[K]> } = {
  [TaskType.GRAPH_GENERATION_REQUEST]: GraphGenerationRequestPayload,
  [TaskType.GRAPH_GENERATION_PROGRESS]: GraphGenerationProgressPayload,
  [TaskType.GRAPH_GENERATION_RESULT]: GraphGenerationResultPayload,
  [TaskType.ADD_NODE_REQUEST]: AddNodeRequestPayload,
  [TaskType.ADD_NODE_RESULT]: AddNodeResultPayload,
  [TaskType.GRAPH_SUMMARY_REQUEST]: GraphSummaryRequestPayload,
  [TaskType.GRAPH_SUMMARY_RESULT]: GraphSummaryResultPayload,
};
