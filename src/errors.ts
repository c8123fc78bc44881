/**
 * Errors that name where the problem is. Every rejection in ocroute is one of these, so
 * callers (CLI, HTTP, config loader) can print `file:line: message` or a JSON body.
 */
export interface Location {
  file?: string;
  line?: number;
  /** dotted path into a YAML document, or a cmdlet parameter like `-NumberPattern` */
  field?: string;
}

export class OcrouteError extends Error {
  readonly code: string;
  location: Location;
  constructor(code: string, message: string, location: Location = {}) {
    super(message);
    this.name = 'OcrouteError';
    this.code = code;
    this.location = location;
  }

  /** Fill in where the error happened without overwriting what a deeper layer already knew. */
  at(location: Location): this {
    this.location = { ...location, ...stripUndefined(this.location) };
    return this;
  }

  /** `routes/tenant.ps1:12: -NumberPattern: ...` */
  describe(): string {
    const { file, line, field } = this.location;
    const where = [file, line !== undefined ? String(line) : undefined].filter(Boolean).join(':');
    const prefix = where ? `${where}: ` : '';
    const fieldPart = field && !this.message.includes(field) ? `${field}: ` : '';
    return `${prefix}${fieldPart}${this.message}`;
  }

  toJSON(): Record<string, unknown> {
    return { error: this.code, message: this.message, ...stripUndefined(this.location) };
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

export function isOcrouteError(e: unknown): e is OcrouteError {
  return e instanceof OcrouteError;
}

/** Throw the rule a change breaks, naming the field (tenant rule modules share this). */
export function refuse(code: string, message: string, field?: string): never {
  throw new OcrouteError(code, message, field ? { field } : {});
}

/**
 * HTTP status of an error code: a malformed request 400, a missing thing 404, a clash 409;
 * the store away 503; anything else is a well-formed request that breaks a tenant rule, 422.
 */
const HTTP_STATUS: Readonly<Record<string, number>> = {
  E_REQUEST: 400, E_AUTH: 401, E_FORBIDDEN: 403, E_SCOPE: 403, E_UNKNOWN_TENANT: 404, E_TENANT_EXISTS: 409,
  E_NUMBER_TENANT: 409, E_TENANT_IN_FOLDER: 409, E_STORE_UNAVAILABLE: 503,
};

export const httpStatusOf = (code: string): number => HTTP_STATUS[code] ?? 422;

/** `serve`'s exit status when its store's disk refused an fsync (sysexits EX_IOERR; README "CLI"). */
export const EXIT_STORE_IO = 74;
