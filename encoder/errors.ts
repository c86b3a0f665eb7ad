/**
 * User-facing failures (bad input, existing id, interrupted encode). The CLI prints
 * `message` on one line with no stack trace; anything else is a bug and keeps its stack.
 */
export class EncodeError extends Error {
  constructor(
    message: string,
    /** Stable machine-readable reason, e.g. "missing", "not-video", "exists". */
    readonly code: string,
  ) {
    super(message);
    this.name = 'EncodeError';
  }
}

export function isEncodeError(err: unknown): err is EncodeError {
  return err instanceof EncodeError;
}
