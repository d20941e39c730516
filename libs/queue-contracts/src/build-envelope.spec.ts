import { GOLDEN_FILLS, listGolden, readGoldenEnvelope } from '../test/golden-contract';
import { buildEnvelope } from './build-envelope';
import { type AddNodeRequestInput } from './dto/add-node-request-payload.dto';
import { type GraphGenerationRequestInput } from './dto/graph-generation-request-payload.dto';
import { type GraphSummaryRequestInput } from './dto/graph-summary-request-payload.dto';
import { OutgoingMessageError } from './outgoing-message.error';
import { parseEnvelope } from './parse-envelope';
import { TaskType } from './task-type.enum';

const { userId, payloadBucket: bucket } = GOLDEN_FILLS;
const graphTaskId = `task_${userId}_01JFB3M8Q2W7X5Z9C4V6N1R0TA`;
const addNodeTaskId = `task_add_node_${userId}_01JFB3P4D7H2K8M5S9T3W6Y1ZE`;
const summaryTaskId = `summary_${userId}_01JFB3S9G5J1N4Q8V2X6Z3B7CF`;
const now = new Date('2026-11-22T06:00:00.000Z');

/** What a caller writes: no inputType, no cluster bounds; defaults fill them in. */
const graphInput: GraphGenerationRequestInput = {
  userId,
  s3Key: `graph-generation/${graphTaskId}/`,
  bucket,
  includeSummary: true,
  language: 'en',
};
const addNodeInput: AddNodeRequestInput = { userId, s3Key: `add-node/${addNodeTaskId}/batch.json`, bucket, language: 'en' };
const summaryInput: GraphSummaryRequestInput = { userId, graphS3Key: `graph-summary/${summaryTaskId}/graph.json`, bucket, language: 'en' };

function parsed(json: string): Record<string, unknown> & { payload: Record<string, unknown> } {
  return JSON.parse(json) as Record<string, unknown> & { payload: Record<string, unknown> };
}

function thrownBy(build: () => unknown): OutgoingMessageError {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(OutgoingMessageError);
    return error as OutgoingMessageError;
  }
  throw new Error('expected buildEnvelope to throw');
}

describe(buildEnvelope.name, () => {
  describe('golden requests', () => {
    it('covers every golden request file', () => {
      expect(listGolden('requests')).toEqual(['add-node.json', 'graph-generation.json', 'graph-summary.json']);
    });

    it('builds graph-generation.json from the minimal caller input', () => {
      const golden = readGoldenEnvelope('requests/graph-generation.json');
      expect(parsed(buildEnvelope(TaskType.GRAPH_GENERATION_REQUEST, graphTaskId, graphInput, new Date(golden.timestamp)))).toEqual(golden);
    });

    it('builds add-node.json from the minimal caller input', () => {
      const golden = readGoldenEnvelope('requests/add-node.json');
      expect(parsed(buildEnvelope(TaskType.ADD_NODE_REQUEST, addNodeTaskId, addNodeInput, new Date(golden.timestamp)))).toEqual(golden);
    });

    it('builds graph-summary.json from the caller input', () => {
      const golden = readGoldenEnvelope('requests/graph-summary.json');
      expect(parsed(buildEnvelope(TaskType.GRAPH_SUMMARY_REQUEST, summaryTaskId, summaryInput, new Date(golden.timestamp)))).toEqual(golden);
    });

    it.each(['add-node.json', 'graph-generation.json', 'graph-summary.json'])('round-trips %s from its own payload', (file) => {
      const golden = readGoldenEnvelope(`requests/${file}`);
      const taskType = golden.taskType as TaskType.GRAPH_SUMMARY_REQUEST;
      const built = buildEnvelope(taskType, golden.taskId, golden.payload as unknown as GraphSummaryRequestInput, new Date(golden.timestamp));
      expect(parsed(built)).toEqual(golden);
    });

    it('produces envelopes that parseEnvelope reads back', () => {
      const result = parseEnvelope(buildEnvelope(TaskType.GRAPH_GENERATION_REQUEST, graphTaskId, graphInput, now));
      expect(result.ok && result.envelope.taskType).toBe(TaskType.GRAPH_GENERATION_REQUEST);
    });
  });

  describe('defaults', () => {
    it('fills inputType "auto" and cluster bounds 3/8 for graph generation, keeping caller values', () => {
      const payload = parsed(buildEnvelope(TaskType.GRAPH_GENERATION_REQUEST, graphTaskId, { ...graphInput, maxClusters: 12, numClusters: 5 }, now)).payload;
      expect(payload).toMatchObject({ inputType: 'auto', minClusters: 3, maxClusters: 12, numClusters: 5, language: 'en' });
    });

    it('fixes inputType "batch" for add-node', () => {
      expect(parsed(buildEnvelope(TaskType.ADD_NODE_REQUEST, addNodeTaskId, addNodeInput, now)).payload.inputType).toBe('batch');
    });

    it('writes the timestamp as UTC ISO with Z and defaults it to now', () => {
      const tokyo = new Date('2026-11-22T15:00:00.000+09:00');
      expect(parsed(buildEnvelope(TaskType.GRAPH_SUMMARY_REQUEST, summaryTaskId, summaryInput, tokyo)).timestamp).toBe('2026-11-22T06:00:00.000Z');
      const stamped = Date.parse(parsed(buildEnvelope(TaskType.GRAPH_SUMMARY_REQUEST, summaryTaskId, summaryInput)).timestamp as string);
      expect(Math.abs(stamped - Date.now())).toBeLessThan(5_000);
    });
  });

  describe('fields that never leave', () => {
    it.each([
      [TaskType.GRAPH_GENERATION_REQUEST, graphTaskId, graphInput],
      [TaskType.ADD_NODE_REQUEST, addNodeTaskId, addNodeInput],
      [TaskType.GRAPH_SUMMARY_REQUEST, summaryTaskId, summaryInput],
    ] as const)('drops internalServiceToken, beBaseUrl and other unknown fields from %s', (taskType, id, input) => {
      const withSecrets = { ...input, internalServiceToken: 's3cr3t', beBaseUrl: 'http://internal', extraS3Keys: ['x'] };
      const json = buildEnvelope(taskType as TaskType.GRAPH_SUMMARY_REQUEST, id, withSecrets as GraphSummaryRequestInput, now);
      expect(json).not.toContain('s3cr3t');
      expect(json).not.toContain('internalServiceToken');
      expect(json).not.toContain('beBaseUrl');
      expect(json).not.toContain('extraS3Keys');
    });

    it('omits undefined and null fields instead of sending them', () => {
      const payload = parsed(
        buildEnvelope(TaskType.GRAPH_GENERATION_REQUEST, graphTaskId, { ...graphInput, bucket: undefined, numClusters: null as unknown as number }, now),
      ).payload;
      expect(Object.keys(payload)).not.toContain('bucket');
      expect(Object.keys(payload)).not.toContain('numClusters');
    });
  });

  describe('validation', () => {
    it('rejects a graph-generation s3Key without the trailing slash', () => {
      const error = thrownBy(() =>
        buildEnvelope(TaskType.GRAPH_GENERATION_REQUEST, graphTaskId, { ...graphInput, s3Key: `graph-generation/${graphTaskId}` }, now),
      );
      expect(error.problems).toEqual(["payload.s3Key must end with '/' (it is the bundle prefix)"]);
      expect(error.taskId).toBe(graphTaskId);
      expect(error.code).toBe('INVALID_OUTGOING_MESSAGE');
    });

    it('lists every payload problem at once', () => {
      const broken = { ...graphInput, userId: '', language: undefined, minClusters: 2.5 } as unknown as GraphGenerationRequestInput;
      const error = thrownBy(() => buildEnvelope(TaskType.GRAPH_GENERATION_REQUEST, graphTaskId, broken, now));
      expect(error.problems).toEqual(['payload.userId should not be empty', 'payload.minClusters must be an integer number', 'payload.language is required']);
    });

    it('refuses to override the fixed inputType', () => {
      const overridden = { ...addNodeInput, inputType: 'auto' } as unknown as AddNodeRequestInput;
      expect(thrownBy(() => buildEnvelope(TaskType.ADD_NODE_REQUEST, addNodeTaskId, overridden, now)).problems).toEqual([
        'payload.inputType must be equal to batch',
      ]);
    });

    it('rejects an empty taskId, an invalid date and a non-request task type', () => {
      const resultType = TaskType.GRAPH_GENERATION_RESULT as unknown as TaskType.GRAPH_SUMMARY_REQUEST;
      expect(thrownBy(() => buildEnvelope(resultType, ' ', summaryInput, new Date('nope'))).problems).toEqual([
        'taskType must be one of the request task types',
        'taskId must be a non-empty string',
        'timestamp must be a valid Date',
      ]);
    });

    it('ties the payload type to the task type at compile time', () => {
      // @ts-expect-error an add-node input is not a graph-summary input
      expect(() => buildEnvelope(TaskType.GRAPH_SUMMARY_REQUEST, summaryTaskId, addNodeInput, now)).toThrow(OutgoingMessageError);
    });
  });
});
