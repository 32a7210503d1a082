// The Node.js half of sparki/lazy_bindings.py, preloaded into the jsii runtime's processes
// through NODE_OPTIONS=--require. A prebuilt provider package's lib/index.js requires every
// resource module up front (`exports.vpc = require("./vpc");`, 2,135 lines for AWS: ~6 s and
// most of the runtime's memory). Rewritten as getters, a module is required when the jsii
// kernel first looks a type up in it, which is what happens for the ones a program uses.
// A line in any other shape is left as it is: at worst a module loads eagerly, as before.
// SPARKI_EAGER_BINDINGS=1 turns it off, as it turns off the Python half.
"use strict";
const Module = require("module");

const EAGER_SETTING = ["1", "true", "yes"].includes(process.env.SPARKI_EAGER_BINDINGS || "");

const INDEX = /[\\/]@cdktf[\\/]provider-(aws|kubernetes|helm)[\\/]lib[\\/]index\.js$/;
const EAGER = /^exports\.([A-Za-z_$][\w$]*) = require\(("\.\/[\w.-]+")\);$/gm;

const compile = Module.prototype._compile;
Module.prototype._compile = function (content, filename) {
  if (!EAGER_SETTING && INDEX.test(filename)) {
    content = content.replace(
      EAGER,
      (_, name, path) => `Object.defineProperty(exports, "${name}", { enumerable: true, configurable: true, get: () => require(${path}) });`,
    );
  }
  return compile.call(this, content, filename);
};
