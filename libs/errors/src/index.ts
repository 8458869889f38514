export {
  DomainError,
  NotFoundError,
  AlreadyExistsError,
  InvalidArgumentError,
  FailedPreconditionError,
  ConflictError,
  UnavailableError,
  UnauthenticatedError,
  PermissionDeniedError,
  type FieldViolation,
  type ErrorKind,
} from "./errors.js";
export { errorMessage } from "./error-message.js";
