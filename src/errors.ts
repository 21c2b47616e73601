/**
 * Every failure a user can meet is a DiscodeError: a one-line reason plus, where there is one, a hint
 * that says what to do. Commands print `Error: <message>` and `Hint: <hint>` and exit non-zero.
 */
export class DiscodeError extends Error {
  readonly hint?: string
  /** Stable machine-readable code, printed in --json error output. */
  readonly code: string

  constructor(message: string, options: {hint?: string; code?: string; cause?: unknown} = {}) {
    super(message, {cause: options.cause})
    this.name = new.target.name
    this.hint = options.hint
    this.code = options.code ?? 'DISCODE_ERROR'
  }
}
