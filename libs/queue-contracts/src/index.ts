export { TaskType, REQUEST_TASK_TYPES, RESULT_TASK_TYPES, isTaskType, isRequestTaskType, type RequestTaskType, type ResultTaskType } from './task-type.enum';
export { TASK_PAYLOAD_CLASSES, type TaskPayloads, type RequestPayloadInputs } from './task-payload.map';
export { RESULT_STATUSES, type ResultStatus } from './result-status';
export { GraphGenerationRequestPayload, type GraphGenerationRequestInput } from './dto/graph-generation-request-payload.dto';
export { GraphGenerationProgressPayload } from './dto/graph-generation-progress-payload.dto';
export { GraphGenerationResultPayload } from './dto/graph-generation-result-payload.dto';
export { AddNodeRequestPayload, type AddNodeRequestInput } from './dto/add-node-request-payload.dto';
export { AddNodeResultPayload } from './dto/add-node-result-payload.dto';
export { GraphSummaryRequestPayload, type GraphSummaryRequestInput } from './dto/graph-summary-request-payload.dto';
export { GraphSummaryResultPayload } from './dto/graph-summary-result-payload.dto';
export { type Envelope, type AnyEnvelope } from './envelope.types';
export { InvalidMessageError, type InvalidMessageCode } from './invalid-message.error';
export { OutgoingMessageError } from './outgoing-message.error';
export { parseEnvelope, type ParseResult } from './parse-envelope';
export { buildEnvelope } from './build-envelope';
export { parseIsoTimestamp } from './iso-timestamp';
export { parseConversations, countMessages, type ConversationsParseResult } from './files/parse-conversations';
export { type ChatExportConversation, type ChatExportNode, type ChatExportMessage } from './files/chat-export.types';
export { parseGraphResult, type GraphResultParseResult } from './files/parse-graph-result';
export { encodeGraphResult } from './files/encode-graph-result';
export {
  type GraphResult,
  type GraphNode,
  type GraphKeyword,
  type GraphEdge,
  type GraphSubcluster,
  type GraphCluster,
} from './files/graph-result.types';
export { parseAddNodeResult, type AddNodeResultParseResult } from './files/parse-add-node-result';
export {
  type AddNodeResult,
  type AddNodeItemResult,
  type AddNodeNode,
  type AddNodeEdge,
  type AddNodeAssignedCluster,
} from './files/add-node-result.types';
export { parseSummaryResult, type GraphSummary, type SummaryResultParseResult } from './files/parse-summary-result';
