import { getMetadataStorage } from 'class-validator';
import { TASK_PAYLOAD_CLASSES } from './task-payload.map';
import { REQUEST_TASK_TYPES, RESULT_TASK_TYPES, TaskType } from './task-type.enum';

function declaredFields(taskType: TaskType): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(TASK_PAYLOAD_CLASSES[taskType], '', true, false);
  return [...new Set(metadata.map((entry) => entry.propertyName))].sort();
}

describe('TASK_PAYLOAD_CLASSES', () => {
  describe('coverage', () => {
    it('maps each of the 7 task types to a distinct DTO class named after it', () => {
      const types = Object.values(TaskType);
      expect(types).toHaveLength(7);
      expect([...REQUEST_TASK_TYPES, ...RESULT_TASK_TYPES].sort()).toEqual([...types].sort());
      const names = types.map((type) => TASK_PAYLOAD_CLASSES[type].name);
      expect(new Set(names).size).toBe(7);
      expect(TASK_PAYLOAD_CLASSES[TaskType.GRAPH_GENERATION_PROGRESS].name).toBe('GraphGenerationProgressPayload');
    });
  });

  describe('request DTOs', () => {
    it.each(REQUEST_TASK_TYPES)('%s declares no secret-bearing field', (taskType) => {
      const fields = declaredFields(taskType);
      expect(fields).toContain('userId');
      expect(fields).not.toContain('beBaseUrl');
      expect(fields).not.toContain('internalServiceToken');
    });

    it('declares exactly the graph-generation fields we send', () => {
      expect(declaredFields(TaskType.GRAPH_GENERATION_REQUEST)).toEqual(
        ['bucket', 'includeSummary', 'inputType', 'language', 'maxClusters', 'minClusters', 'numClusters', 's3Key', 'userId'],
      );
    });
  });
});
