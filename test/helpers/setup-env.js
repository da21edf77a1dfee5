// n8n-core logs every failed node to the console; tests assert errors instead.
process.env.N8N_LOG_LEVEL = 'silent';
