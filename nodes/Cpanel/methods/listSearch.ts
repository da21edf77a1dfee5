import { cpanel } from '../../providers/cpanel';

/** The resource picker lives with the provider, where the SSO Link node finds it too. */
export const { searchCpanelAccounts } = cpanel.listSearch;
