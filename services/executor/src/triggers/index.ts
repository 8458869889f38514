export { Triggers, type NewTriggerSpec, type WithSecret } from "./triggers.js";
export { WebhookDeliveries, type Delivery, type Answer } from "./deliveries.js";
export { webhookRoute, HOOKS_PREFIX } from "./webhook-route.js";
export { triggerService } from "./trigger-service.js";
export { triggerValidation } from "./trigger-validation.js";
export { signBody, signatureMatches, SIGNATURE_HEADER } from "./signature.js";
