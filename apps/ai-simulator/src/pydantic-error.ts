import type { InvalidMessageError } from '@app/queue-contracts';

/**
 * The `error` text the real server sends for a request it cannot read: the
 * str() of a pydantic ValidationError, e.g.
 * "1 validation error for SqsEnvelope\ntaskType\n  Field required".
 */
export function describeInvalidRequest(error: InvalidMessageError): string {
  switch (error.code) {
    case 'INVALID_JSON':
      return validationErrors('SqsEnvelope', [`  Invalid JSON: ${error.details[0] ?? error.reason} [type=json_invalid]`]);
    case 'NOT_AN_OBJECT':
      return validationErrors('SqsEnvelope', ['  Input should be a valid dictionary or instance of SqsEnvelope [type=model_type]']);
    case 'UNKNOWN_TASK_TYPE':
      return validationErrors('SqsEnvelope', [`taskType\n  Input should be a valid TaskType [type=enum, input_value='${error.taskType ?? ''}']`]);
    case 'INVALID_ENVELOPE':
      return validationErrors('SqsEnvelope', error.details.map(fieldEntry));
    case 'INVALID_PAYLOAD':
      return validationErrors(`${modelName(error.taskType)}Payload`, error.details.map(fieldEntry));
  }
}

function validationErrors(model: string, entries: string[]): string {
  const lines = entries.length > 0 ? entries : ['  Invalid input'];
  return `${lines.length} validation error${lines.length === 1 ? '' : 's'} for ${model}\n${lines.join('\n')}`;
}

/** "payload.userId is required" -> "userId\n  Field required". */
function fieldEntry(detail: string): string {
  const text = detail.replace(/^payload\./, '');
  const space = text.indexOf(' ');
  const field = space < 0 ? text : text.slice(0, space);
  const problem = space < 0 ? 'Invalid input' : text.slice(space + 1);
  return `${field}\n  ${problem.startsWith('is required') ? 'Field required' : problem}`;
}

/** GRAPH_GENERATION_REQUEST -> GraphGenerationRequest */
function modelName(taskType: string | undefined): string {
  return (taskType ?? 'Unknown')
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}
