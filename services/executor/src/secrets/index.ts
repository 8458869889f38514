export { SecretVault, type SecretPut, type SecretRows } from "./secret-vault.js";
export { SecretUnavailableError, type SecretProblem } from "./errors.js";
export type { SecretInfo } from "./secret-info.js";
export type { Rotated } from "./key-rotation.js";
export { secretService } from "./secret-service.js";
export { secretValidation } from "./secret-validation.js";
