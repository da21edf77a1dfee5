import { hostUp } from '../../providers/hostUp';

/** The resource pickers live with the provider, where the SSO Link node finds them too. */
export const { searchHostUpAccounts, searchHostUpWordPressSites } = hostUp.listSearch;
