/**
 * The Vietnamese texts of staff management's account actions travel with the staff chunk, not the citizen entry
 * (which has a size budget); English is in src/web/i18n/home-admin.en.json. Importing this module adds them once.
 */
import i18n from 'i18next';
import vi from './texts.vi.json';

i18n.addResourceBundle('vi', 'translation', vi, true, false);
