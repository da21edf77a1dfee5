/**
 * `npm run build`: typecheck, then dist/ bundled with no runtime dependencies
 * (scripts/build-package.js says how). This file and scripts/build-package.js
 * come from n8n-nodes-sso-link, where every package of the tree is built by
 * the same code.
 */
const { buildPackage } = require('./scripts/build-package');

exports.build = async function build() {
	await buildPackage(__dirname);
};
exports.default = exports.build;
