// n8n loads this package's nodes and credentials from the paths listed in
// package.json's "n8n" section; there is nothing to export from here.
module.exports = {};
