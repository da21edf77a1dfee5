/**
 * Runs the provider sandbox on its own: `npm run sandbox [-- --port 5680]`.
 * Prints the base URL and keys to put into n8n credentials.
 */
import { HOSTUP_KEYS } from './hostup';
import { Sandbox } from './server';

async function main(): Promise<void> {
	const portFlag = process.argv.indexOf('--port');
	const port = portFlag > 0 ? Number(process.argv[portFlag + 1]) : Number(process.env.SANDBOX_PORT ?? 5680);
	const sandbox = await Sandbox.start({ port });
	process.stdout.write(
		[
			`Provider sandbox listening on ${sandbox.origin}`,
			'',
			'HostUp API credential:',
			`  Base URL  ${sandbox.baseUrl('hostup')}`,
			`  API Key   ${HOSTUP_KEYS.full}   (all scopes)`,
			`            ${HOSTUP_KEYS.readOnly}   (read:hosting only)`,
			'',
			`Faults: POST ${sandbox.origin}/__sandbox/faults  {"provider":"hostup","fault":{"kind":"rateLimit","retryAfter":"2"}}`,
			`Requests seen: GET ${sandbox.origin}/__sandbox/requests`,
			'Ctrl-C stops it.',
			'',
		].join('\n'),
	);
	const stop = () => {
		void sandbox.close().then(() => process.exit(0));
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

void main();
