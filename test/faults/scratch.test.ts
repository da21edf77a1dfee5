function realProcess(): NodeJS.Process {
	const sym = Object.getOwnPropertySymbols(globalThis).find((s) => s.description === 'JEST_STATE_SYMBOL');
	const state = sym ? (globalThis as any)[sym] : undefined;
	return state?.parentProcess ?? process;
}
const rejections: unknown[] = [];
const collect = (r: unknown) => rejections.push(r);
beforeAll(() => { console.log('found', realProcess() !== process); realProcess().on('unhandledRejection', collect); });
afterAll(() => { realProcess().off('unhandledRejection', collect); console.log('rejections', rejections.length); });
it('explore', async () => {
	void Promise.reject(new Error('probe'));
	await new Promise((r) => setTimeout(r, 50));
});
