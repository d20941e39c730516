import { Transform } from 'class-transformer';

const INTEGER_TEXT = /^\s*[-+]?\d+\s*$/;

/**
 * Mirrors pydantic's lax int mode for fields we RECEIVE: a decimal-integer string
 * such as "33" becomes 33 (the AI may build a payload from parsed log text).
 * Anything else is left untouched for @IsInt to judge, so 33.5, "33.5", "abc",
 * true and null-for-required still fail. JSON cannot tell 33.0 from 33, so
 * integral floats pass as well. Outgoing DTOs never use this.
 */
export function LaxInt(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && INTEGER_TEXT.test(value) ? Number(value) : value,
  );
}
