// Stands in for the 'gpu.js' package inside a generated module's bundled support: the module itself
// imports gpu.js (as __cnncGpuJs), and the bundle reads that binding, so gpu.js is loaded once.
/* global __cnncGpuJs */
module.exports = __cnncGpuJs;
