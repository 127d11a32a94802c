// Where the e2e session lives, and the admin password the test server is started with.
export const E2E_ADMIN_PASSWORD = 'e2e-admin-password';
export const E2E_STORAGE_STATE = '.tmp/e2e-auth.json';
