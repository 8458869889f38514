// Jest globalTeardown: drops the template database globalSetup (global-setup.cjs) made.
module.exports = async function globalTeardown() {
  await globalThis.__MCP_TEST_TEMPLATE__?.drop();
};
