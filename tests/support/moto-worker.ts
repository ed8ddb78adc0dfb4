/** Points this test file's AWS clients (and the runners it starts) at its jest worker's own moto_server. */
const endpoints = (process.env.LPB_MOTO_ENDPOINTS ?? '').split(',').filter(Boolean);
const worker = Number(process.env.JEST_WORKER_ID ?? '1');
if (endpoints.length > 0) process.env.AWS_ENDPOINT_URL = endpoints[(worker - 1) % endpoints.length];
