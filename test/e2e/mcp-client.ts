/**
 * An MCP client (@modelcontextprotocol/sdk, Streamable HTTP) for the tools a
 * published workflow's MCP Server Trigger serves at `/mcp/<path>`.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

/**
 * A client connected to `url`. `n8n start` reports ready before it has
 * registered the published workflows' webhooks: until then the endpoint
 * answers 404, so connect again until it does not.
 */
export async function connectMcp(url: string, timeoutMs = 60_000): Promise<Client> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const client = new Client({ name: 'n8n-nodes-sso-link-e2e', version: '1.0.0' });
		try {
			await client.connect(new StreamableHTTPClientTransport(new URL(url)));
			return client;
		} catch (error) {
			await client.close().catch(() => undefined);
			if ((error as { code?: unknown }).code !== 404 || Date.now() > deadline) throw error;
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	}
}

/** What a tool call gives the model: its text, and whether the MCP result is an error. */
export async function callMcpTool(client: Client, name: string, args: Record<string, unknown>): Promise<{ isError: boolean; text: string }> {
	const result = await client.callTool({ name, arguments: args });
	const content = result.content as Array<{ type: string; text?: string }>;
	if (content.length !== 1 || content[0].type !== 'text') throw new Error(`expected one text part, got ${JSON.stringify(content)}`);
	return { isError: result.isError === true, text: content[0].text ?? '' };
}
