/** Errors the API maps onto HTTP answers; domain and adapters throw them, handlers never format them. */
export interface ErrorDetail {
  field: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details: ErrorDetail[] = []) {
    super(400, 'validation_failed', message, details);
  }
}

export class NotFoundError extends AppError {
  constructor(kind: string, id: string) {
    super(404, 'not_found', `no ${kind} with id "${id}"`);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, code = 'conflict') {
    super(409, code, message);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'send "Authorization: Bearer <token>"') {
    super(401, 'unauthorized', message);
  }
}
