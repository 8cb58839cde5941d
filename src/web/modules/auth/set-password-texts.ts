/**
 * The Vietnamese texts of the first sign-in after a password reset travel with its own chunk, not the citizen entry
 * (which has a size budget); English is in src/web/i18n/home-admin.en.json. Importing this module adds them once.
 */
import i18n from 'i18next';
import vi from './set-password.vi.json';

i18n.addResourceBundle('vi', 'translation', vi, true, false);
