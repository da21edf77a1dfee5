import { directAdmin } from '../../providers/directAdmin';

/** The resource picker lives with the provider, where the SSO Link node finds it too. */
export const { searchDirectAdminUsers } = directAdmin.listSearch;
