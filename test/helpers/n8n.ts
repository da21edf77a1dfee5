/**
 * Runs this package's nodes the way n8n does: the built package (dist/) is
 * loaded by n8n-core's PackageDirectoryLoader, and nodes execute inside
 * n8n-core's WorkflowExecute with n8n's real HTTP helpers. Only the credential
 * store is ours (n8n's lives in its database); it resolves credential
 * expressions with n8n's own expression engine.
 */
import path from 'node:path';

import {
	CredentialTestContext,
	ExecuteContext,
	ExecutionLifecycleHooks,
	LoadOptionsContext,
	PackageDirectoryLoader,
	RoutingNode,
	WorkflowExecute,
} from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialTestFunction,
	ICredentialTestRequest,
	ICredentialType,
	ICredentials,
	ICredentialsDecrypted,
	IDataObject,
	IExecuteData,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeListSearchResult,
	INodeParameters,
	INodeProperties,
	INodeType,
	INodeTypes,
	IRun,
	IRunExecutionData,
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
	Workflow as WorkflowType,
} from 'n8n-workflow';
import { ICredentialsHelper, NodeHelpers, Workflow, createEmptyRunExecutionData, createRunExecutionData } from 'n8n-workflow';

export const PACKAGE_ROOT = path.resolve(__dirname, '../..');
export const PACKAGE_NAME = 'n8n-nodes-sso-link';

interface LoadedPackage {
	nodeTypes: Record<string, INodeType | IVersionedNodeType>;
	credentialTypes: Record<string, ICredentialType>;
}

let loading: Promise<LoadedPackage> | undefined;

/** Loads dist/ exactly as n8n loads an installed community package. */
export function loadPackage(): Promise<LoadedPackage> {
	loading ??= (async () => {
		const loader = new PackageDirectoryLoader(PACKAGE_ROOT);
		await loader.loadAll();
		const nodeTypes: LoadedPackage['nodeTypes'] = {};
		for (const [name, data] of Object.entries(loader.nodeTypes)) nodeTypes[name] = data.type;
		const credentialTypes: LoadedPackage['credentialTypes'] = {};
		for (const [name, data] of Object.entries(loader.credentialTypes)) credentialTypes[name] = data.type;
		return { nodeTypes, credentialTypes };
	})();
	return loading;
}

class PackageNodeTypes implements INodeTypes {
	constructor(private readonly types: LoadedPackage['nodeTypes']) {}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types[nodeType.replace(`${PACKAGE_NAME}.`, '')];
		if (!type) throw new Error(`Unknown node type ${nodeType}`);
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes() {
		return {};
	}
}

/**
 * A credential store. Fills in property defaults like n8n does, runs
 * `authenticate` (generic: n8n's expression engine resolves
 * `{{$credentials.x}}`; or a function) and `preAuthentication` for expirable
 * fields, and records what it was asked so tests can check token reuse.
 */
export class TestCredentialsHelper extends ICredentialsHelper {
	readonly preAuthenticationCalls: Array<{ type: string; expired: boolean }> = [];

	constructor(
		private readonly types: Record<string, ICredentialType>,
		readonly store: Record<string, ICredentialDataDecryptedObject>,
	) {
		super();
	}

	getParentTypes(name: string): string[] {
		const parents = this.types[name]?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow?: WorkflowType,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const type = this.types[typeName];
		const authenticate = type?.authenticate;
		if (!authenticate) return requestOptions;
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (!workflow || !node) throw new Error('generic authenticate needs the workflow and node');
		const resolve = (value: unknown) =>
			typeof value === 'string'
				? workflow.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: credentials }, undefined, value)
				: value;
		const { headers, qs, body, auth } = authenticate.properties;
		const options: IHttpRequestOptions = { ...requestOptions };
		if (headers) {
			options.headers = { ...options.headers };
			for (const [key, value] of Object.entries(headers)) options.headers[key] = resolve(value) as string;
		}
		if (qs) {
			options.qs = { ...options.qs };
			for (const [key, value] of Object.entries(qs)) options.qs[key] = resolve(value) as string;
		}
		if (body) {
			options.body = { ...(options.body as IDataObject) };
			for (const [key, value] of Object.entries(body)) (options.body as IDataObject)[key] = resolve(value) as string;
		}
		if (auth) {
			options.auth = { username: String(resolve(auth.username)), password: String(resolve(auth.password)) };
		}
		return options;
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		_node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.types[typeName];
		if (!type?.preAuthentication) return undefined;
		const expirable = type.properties.find(
			(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
		);
		if (!expirable) return undefined;
		if (!credentialsExpired && credentials[expirable.name]) return undefined;
		this.preAuthenticationCalls.push({ type: typeName, expired: credentialsExpired });
		const update = (await type.preAuthentication.call(helpers, credentials)) as ICredentialDataDecryptedObject;
		// n8n saves the refreshed fields into the credential; so does this store.
		Object.assign(this.store[typeName] ?? {}, update);
		return update;
	}

	async runPreAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async getCredentials(_details: INodeCredentialsDetails, _type: string): Promise<ICredentials> {
		throw new Error('not used by nodes of this package');
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_details: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const data = this.store[type];
		if (!data) throw new Error(`No credentials of type ${type} in the test store`);
		const withDefaults: ICredentialDataDecryptedObject = {};
		for (const property of this.getCredentialsProperties(type)) {
			if (property.default !== undefined && property.default !== '') {
				withDefaults[property.name] = property.default as string;
			}
		}
		return { ...withDefaults, ...data };
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.types[type]?.properties ?? [];
	}
}

function additionalDataFor(
	credentialsHelper: TestCredentialsHelper,
	hooks?: ExecutionLifecycleHooks,
	currentNodeParameters?: INodeParameters,
): IWorkflowExecuteAdditionalData {
	const base = 'http://127.0.0.1:5678';
	const unsupported = async () => {
		throw new Error('not available in the test harness');
	};
	return {
		credentialsHelper,
		hooks,
		executeWorkflow: unsupported,
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		currentNodeExecutionIndex: 0,
		currentNodeParameters,
		restApiUrl: `${base}/rest`,
		instanceBaseUrl: base,
		formBaseUrl: `${base}/form`,
		formWaitingBaseUrl: `${base}/form-waiting`,
		formTestBaseUrl: `${base}/form-test`,
		webhookBaseUrl: `${base}/webhook`,
		webhookWaitingBaseUrl: `${base}/webhook-waiting`,
		webhookTestBaseUrl: `${base}/webhook-test`,
		mcpBaseUrl: `${base}/mcp`,
		mcpTestBaseUrl: `${base}/mcp-test`,
		variables: {},
		logAiEvent: () => {},
		startRunnerTask: unsupported,
	} as unknown as IWorkflowExecuteAdditionalData;
}

export interface RunNodeOptions {
	/** Node name without the package prefix, e.g. `hostUp`. */
	type: string;
	parameters: INodeParameters;
	/** Credential data by credential type. */
	credentials: Record<string, ICredentialDataDecryptedObject>;
	/** Input items (json only); one empty item by default. */
	items?: IDataObject[];
	continueOnFail?: boolean;
	/** "Continue (using error output)": failed items leave by a second output. */
	errorOutput?: boolean;
	/** The workflow's settings (Save successful production executions, …); none by default. */
	workflowSettings?: IWorkflowSettings;
}

export interface NodeRun {
	/** Output items of the node (first output). */
	items: INodeExecutionData[];
	/** Items of the error output, with "Continue (using error output)". */
	errorItems: INodeExecutionData[];
	/** The node's error when the execution failed. */
	error?: Error & { description?: string; httpCode?: string | null; context?: IDataObject };
	run: IRun;
	credentialsHelper: TestCredentialsHelper;
	/** Cancels the execution (as the editor's "stop" button does). */
	cancel?: () => void;
}

export const NODE_NAME = 'Node Under Test';

function nodeUnderTest(
	type: string,
	parameters: INodeParameters,
	credentials: Record<string, ICredentialDataDecryptedObject>,
): INode {
	return {
		id: 'node-under-test',
		name: NODE_NAME,
		type: `${PACKAGE_NAME}.${type}`,
		typeVersion: 1,
		position: [0, 0],
		parameters,
		credentials: Object.fromEntries(
			Object.keys(credentials).map((credentialType) => [credentialType, { id: `cred-${credentialType}`, name: `Test ${credentialType}` }]),
		),
	};
}

/**
 * Executes one node of this package in a real n8n execution. The input items
 * are fed to it as a previous node's output would be.
 */
export async function runNode(options: RunNodeOptions): Promise<NodeRun> {
	const started = startNode(options);
	return await started.done;
}

export function startNode(options: RunNodeOptions): { done: Promise<NodeRun>; cancel: () => void } {
	let cancel: () => void = () => {};
	const done = (async () => {
		const { nodeTypes, credentialTypes } = await loadPackage();
		const credentialsHelper = new TestCredentialsHelper(credentialTypes, structuredClone(options.credentials));
		const node = nodeUnderTest(options.type, options.parameters, options.credentials);
		if (options.continueOnFail) node.onError = 'continueRegularOutput';
		if (options.errorOutput) node.onError = 'continueErrorOutput';
		const workflow = new Workflow({
			id: 'test-workflow',
			name: 'test',
			nodes: [node],
			connections: {},
			active: false,
			nodeTypes: new PackageNodeTypes(nodeTypes),
			settings: options.workflowSettings ?? {},
		});
		const hooks = new ExecutionLifecycleHooks('manual', 'test-execution', {
			id: 'test-workflow',
			name: 'test',
			nodes: [node],
			connections: {},
			active: false,
			settings: {},
			createdAt: new Date(),
			updatedAt: new Date(),
			activeVersionId: null,
			isArchived: false,
		} as never);
		const input: INodeExecutionData[] = (options.items ?? [{}]).map((json) => ({ json }));
		const executeData: IExecuteData = { node, data: { main: [input] }, source: null };
		const runExecutionData: IRunExecutionData = createRunExecutionData({
			executionData: { nodeExecutionStack: [executeData] },
		});
		const workflowExecute = new WorkflowExecute(
			additionalDataFor(credentialsHelper, hooks),
			'manual',
			runExecutionData,
		);
		const execution = workflowExecute.processRunExecutionData(workflow);
		cancel = () => execution.cancel();
		const run = await execution;
		const taskData = run.data.resultData.runData[NODE_NAME]?.[0];
		return {
			items: taskData?.data?.main?.[0] ?? [],
			errorItems: taskData?.data?.main?.[1] ?? [],
			error: (taskData?.error ?? run.data.resultData.error) as NodeRun['error'],
			run,
			credentialsHelper,
		};
	})();
	return { done, cancel: () => cancel() };
}

/**
 * Runs a node and cancels it if it is still running after `ms`: a node that
 * would never end (a listing that loops) fails its test instead of hanging it.
 */
export async function runNodeWithin(options: RunNodeOptions, ms: number): Promise<NodeRun & { overran: boolean }> {
	const execution = startNode(options);
	let overran = false;
	const timer = setTimeout(() => {
		overran = true;
		execution.cancel();
	}, ms);
	try {
		return { ...(await execution.done), overran };
	} finally {
		clearTimeout(timer);
	}
}

/** Calls a resource picker (`methods.listSearch`) as the editor does. */
export async function listSearch(options: {
	type: string;
	method: string;
	parameters: INodeParameters;
	credentials: Record<string, ICredentialDataDecryptedObject>;
	filter?: string;
	paginationToken?: string;
}): Promise<INodeListSearchResult> {
	const { nodeTypes, credentialTypes } = await loadPackage();
	const credentialsHelper = new TestCredentialsHelper(credentialTypes, structuredClone(options.credentials));
	const nodeTypesRegistry = new PackageNodeTypes(nodeTypes);
	const node = nodeUnderTest(options.type, options.parameters, options.credentials);
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: nodeTypesRegistry });
	const context = new LoadOptionsContext(
		workflow,
		node,
		additionalDataFor(credentialsHelper, undefined, options.parameters),
		'parameters',
	);
	const nodeType = nodeTypesRegistry.getByNameAndVersion(node.type, 1);
	const method = nodeType.methods?.listSearch?.[options.method];
	if (!method) throw new Error(`No listSearch method ${options.method} on ${options.type}`);
	return await method.call(context, options.filter, options.paginationToken);
}

/**
 * Sends a credential's `test.request` with the credential's own auth, as the
 * editor's "Test" button does, and returns the HTTP status.
 */
export async function testCredential(
	type: string,
	data: ICredentialDataDecryptedObject,
): Promise<number> {
	const { credentialTypes } = await loadPackage();
	const request = credentialTypes[type]?.test?.request;
	if (!request) throw new Error(`${type} has no test request`);
	const response = (await requestWithCredential(type, data, (resolve) => ({
		...request,
		method: request.method ?? 'GET',
		// Joined as axios joins baseURL and url.
		url: `${String(resolve(request.baseURL ?? '')).replace(/\/+$/, '')}/${String(resolve(request.url ?? '')).replace(/^\/+/, '')}`,
		baseURL: undefined,
		json: request.body !== undefined,
		skipSslCertificateValidation: resolve(request.skipSslCertificateValidation) === true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	}))) as { statusCode: number };
	return response.statusCode;
}

/**
 * Sends one request through n8n-core's `httpRequestWithAuthentication` with a
 * credential of this package, in the context of a node that uses it, as a
 * node's request goes: the credential adds its auth, n8n its HTTP client.
 * `build` gets a resolver for the credential's expressions.
 */
export async function requestWithCredential(
	type: string,
	data: ICredentialDataDecryptedObject,
	build: (resolve: (value: unknown) => unknown) => IHttpRequestOptions,
): Promise<unknown> {
	const { nodeTypes, credentialTypes } = await loadPackage();
	const credentialsHelper = new TestCredentialsHelper(credentialTypes, { [type]: data });
	const nodeTypesRegistry = new PackageNodeTypes(nodeTypes);
	// n8n tests a credential in the context of a node that uses it.
	const anyNode = Object.keys(nodeTypes).find((name) =>
		nodeTypesRegistry.getByNameAndVersion(name).description.credentials?.some((entry) => entry.name === type),
	);
	if (!anyNode) throw new Error(`No node of this package uses ${type}`);
	const node: INode = {
		id: 'credential-test',
		name: 'Credential Test',
		type: `${PACKAGE_NAME}.${anyNode}`,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { [type]: { id: 'cred', name: 'cred' } },
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: nodeTypesRegistry });
	const decrypted = await credentialsHelper.getDecrypted({} as never, { id: 'cred', name: 'cred' }, type);
	const resolve = (value: unknown) =>
		typeof value === 'string'
			? workflow.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: decrypted }, undefined, value)
			: value;
	const context = new LoadOptionsContext(workflow, node, additionalDataFor(credentialsHelper), 'parameters');
	return await context.helpers.httpRequestWithAuthentication.call(context, type, build(resolve));
}

/** What n8n's editor shows after "Test": `OK` with "Connection successful!", or `Error` and why. */
export interface CredentialTestVerdict {
	status: 'OK' | 'Error';
	message: string;
}

/**
 * Tests a credential exactly as n8n does when the editor's "Test" button is
 * pressed: a port of n8n's CredentialsTester (packages/cli, n8n 2.40.7
 * `services/credentials-tester.service.js`), which is not part of n8n-core.
 * The credential's own `test` wins; otherwise the first node of the package
 * that names the credential with `testedBy` supplies it: a function from
 * `methods.credentialTest` (run with n8n-core's CredentialTestContext), or a
 * request. A request runs through n8n-core's RoutingNode as a one-property
 * declarative node, and is judged as n8n judges it: a thrown HTTP error is
 * checked against `responseCode` rules, any other non-2xx fails with its
 * status text, a 2xx is checked against `responseSuccessBody` rules.
 */
export async function credentialTest(type: string, data: ICredentialDataDecryptedObject): Promise<CredentialTestVerdict> {
	const { nodeTypes, credentialTypes } = await loadPackage();
	const nodeTypesRegistry = new PackageNodeTypes(nodeTypes);
	const found = credentialTestFunction(type, credentialTypes, nodeTypesRegistry, Object.keys(nodeTypes));
	if (!found) return { status: 'Error', message: 'No testing function found for this credential.' };
	const credentialsHelper = new TestCredentialsHelper(credentialTypes, { [type]: data });
	const credentialsDecrypted: ICredentialsDecrypted = {
		id: 'cred',
		name: 'cred',
		type,
		data: await credentialsHelper.getDecrypted({} as never, { id: 'cred', name: 'cred' }, type),
	};
	const additionalData = additionalDataFor(credentialsHelper);
	if (typeof found === 'function') {
		return (await found.call(new CredentialTestContext(additionalData), credentialsDecrypted)) as CredentialTestVerdict;
	}

	const nodeType = found.nodeType ?? NO_OP;
	const node: INode = {
		id: 'temp',
		parameters: {},
		name: 'Temp-Node',
		type: nodeType.description.name,
		typeVersion: Array.isArray(nodeType.description.version)
			? nodeType.description.version.slice(-1)[0]
			: nodeType.description.version,
		position: [0, 0],
		credentials: { [type]: { id: credentialsDecrypted.id, name: credentialsDecrypted.name } },
	};
	const nodeTypeCopy: INodeType = {
		description: {
			...nodeType.description,
			credentials: [{ name: type, required: true }],
			properties: [
				{ displayName: 'Temp', name: 'temp', type: 'string', routing: { request: found.testRequest.request }, default: '' },
			],
		},
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: {
			getByName: () => nodeTypeCopy,
			getByNameAndVersion: () => nodeTypeCopy,
			getKnownTypes: () => ({}),
		},
	});
	const executeFunctions = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'internal',
		createEmptyRunExecutionData(),
		0,
		[],
		{ main: [[{ json: {} }]] },
		{ node, data: {}, source: null },
		[],
	);
	const routingNode = new RoutingNode(executeFunctions, nodeTypeCopy, credentialsDecrypted);
	const rules = (found.testRequest.rules ?? []) as Array<{ type: string; properties: { value?: unknown; key?: string; message: string } }>;
	let response: INodeExecutionData[][] | null | undefined;
	try {
		await workflow.expression.acquireIsolate();
		response = await routingNode.runNode();
	} catch (caught) {
		const error = caught as Error & { cause?: { response?: { status: number; statusText?: string }; code?: string } };
		if (error.cause?.response) {
			const { status, statusText } = error.cause.response;
			for (const rule of rules) {
				if (rule.type === 'responseCode' && rule.properties.value === status) {
					return { status: 'Error', message: rule.properties.message };
				}
			}
			if (status < 199 || status > 299) {
				return { status: 'Error', message: statusText || `Received HTTP status code: ${status}` };
			}
		} else if (error.cause?.code) {
			return { status: 'Error', message: error.cause.code };
		}
		return { status: 'Error', message: error.message.toString() };
	} finally {
		await workflow.expression.releaseIsolate();
	}
	for (const rule of rules) {
		if (rule.type === 'responseSuccessBody') {
			const json = response?.[0]?.[0]?.json as unknown;
			// lodash's get(), as n8n uses, for the dot paths rules use.
			const value = String(rule.properties.key ?? '')
				.split('.')
				.reduce<unknown>((current, key) => (current !== null && typeof current === 'object' ? (current as IDataObject)[key] : undefined), json);
			if (value === rule.properties.value) return { status: 'Error', message: rule.properties.message };
		}
	}
	return { status: 'OK', message: 'Connection successful!' };
}

/** n8n tests a credential's own `test` request in a NoOp node; only its description matters. */
const NO_OP: INodeType = {
	description: {
		displayName: 'No Operation, do nothing',
		name: 'n8n-nodes-base.noOp',
		group: ['organization'],
		version: 1,
		description: 'No Operation',
		defaults: { name: 'No Operation, do nothing' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	},
};

/** CredentialsTester.getCredentialTestFunction, over this package's nodes (in package.json order). */
function credentialTestFunction(
	type: string,
	credentialTypes: Record<string, ICredentialType>,
	nodeTypes: PackageNodeTypes,
	nodeNames: string[],
): ICredentialTestFunction | { nodeType?: INodeType; testRequest: ICredentialTestRequest } | undefined {
	const test = credentialTypes[type]?.test;
	if (test) return { testRequest: test };
	for (const name of nodeNames) {
		const nodeType = nodeTypes.getByNameAndVersion(name);
		for (const { name: credential, testedBy } of nodeType.description.credentials ?? []) {
			if (credential !== type || !testedBy) continue;
			if (typeof testedBy === 'string') return nodeType.methods?.credentialTest?.[testedBy];
			return { nodeType, testRequest: testedBy };
		}
	}
	return undefined;
}
