import { IsDefined } from 'class-validator';

/** A field pydantic requires: absent or null fails with one clear message. */
export function Required(): PropertyDecorator {
  return IsDefined({ message: '$property is required' });
}
