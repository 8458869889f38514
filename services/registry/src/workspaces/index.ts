export { Workspaces } from "./workspaces.js";
export { workspaceService, workspaceValidation, toWorkspace } from "./workspace-service.js";
