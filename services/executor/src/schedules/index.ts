export { ScheduleBook } from "./schedule-book.js";
export { ScheduleFirer } from "./schedule-firer.js";
export { ScheduleTicker } from "./schedule-ticker.js";
export { ScheduleTrigger } from "./schedule-trigger.js";
export { scheduleService } from "./schedule-service.js";
export { scheduleValidation } from "./schedule-validation.js";
