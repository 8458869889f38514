const preset = require("../../jest.preset.cjs");

/** @type {import('jest').Config} */
module.exports = { ...preset, displayName: require("./package.json").name, passWithNoTests: false };
