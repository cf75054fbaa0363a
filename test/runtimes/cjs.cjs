// Node CommonJS: the package required by its own name, through package.json `exports`.
'use strict';
const { runSmoke } = require('./smoke-core.cjs');

const kit = {
  root: require('pagoefectivo-kit'),
  client: require('pagoefectivo-kit/client'),
  memory: require('pagoefectivo-kit/storage/memory'),
  testing: require('pagoefectivo-kit/testing'),
  voucher: require('pagoefectivo-kit/voucher'),
  token: require('pagoefectivo-kit/voucher/token'),
  webhooks: require('pagoefectivo-kit/webhooks'),
};
runSmoke(kit).then(
  (summary) => console.log(summary),
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
