/**
 * What the editor and AI agents read: the node descriptions as n8n loads them
 * from dist/. An agent fills a parameter from its description alone, so every
 * id says its form and where the ids come from.
 */
import type { INodeProperties, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { loadPackage } from '../helpers/n8n';

async function descriptions(): Promise<INodeTypeDescription[]> {
	const { nodeTypes } = await loadPackage();
	return Object.values(nodeTypes).map((type) => (type as INodeType).description);
}

function resourceLocators(description: INodeTypeDescription): INodeProperties[] {
	return description.properties.filter((property) => property.type === 'resourceLocator');
}

it('every id parameter says its form, with an example, and what lists it', async () => {
	const seen = new Set<string>();
	for (const description of await descriptions()) {
		for (const property of resourceLocators(description)) {
			seen.add(property.name);
			const byId = property.modes?.find((mode) => mode.name === 'id');
			expect(property.description).toContain(`e.g. ${byId?.placeholder}`);
			expect(property.description).toMatch(/Its ID is .+; .*(lists|shows)/);
		}
	}
	expect([...seen].sort()).toEqual(['accountId', 'clientId', 'domainId', 'installId', 'login', 'serviceId', 'siteId', 'userId', 'username']);
});

it('pickers ask in plain English ("Select an account...")', async () => {
	const placeholders = new Set<string>();
	for (const description of await descriptions()) {
		for (const property of resourceLocators(description)) {
			placeholders.add(String(property.modes?.find((mode) => mode.name === 'list')?.placeholder));
		}
	}
		expect([...placeholders].sort()).toEqual(['Select a client...', 'Select a customer...', 'Select a domain...', 'Select a service...', 'Select a site...', 'Select a user...', 'Select an account...', 'Select an install...']);
});

it('every way to create a link says that, as an AI tool, the link enters the model context', async () => {
	let count = 0;
	for (const description of await descriptions()) {
		if (description.name === 'ssoLink') {
			expect(description.description).toContain("the link enters the model's context");
			count++;
			continue;
		}
		for (const property of description.properties.filter((entry) => entry.name === 'operation')) {
			for (const option of (property.options ?? []) as Array<{ value: string; description?: string }>) {
				if (option.value !== 'createSsoLink') continue;
				expect(option.description).toContain("the link enters the model's context");
				count++;
			}
		}
	}
		// HostUp (two), Installatron, MailUp, WISECP, WHMCS, cPanel & WHM, Plesk, DirectAdmin and SSO Link.
	expect(count).toBe(10);
});

it("SSO Link's MailUp option shows the same notice as the MailUp node", async () => {
	const all = await descriptions();
	const notice = (description: INodeTypeDescription | undefined) =>
		description?.properties.find((property) => property.name === 'mailUpSsoNotice');
	const inMailUp = notice(all.find((description) => description.name === 'mailUp'));
	const inSsoLink = notice(all.find((description) => description.name === 'ssoLink'));
	expect(inMailUp?.displayName).toContain('MailUp must enable it for your client ID');
	expect(inSsoLink?.displayName).toBe(inMailUp?.displayName);
	expect(inSsoLink?.displayOptions?.show?.provider).toEqual(['mailUp']);
});
