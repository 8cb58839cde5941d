/**
 * The Vietnamese texts of the green pass pages travel with their chunks, not the citizen entry (size budget); the
 * navigation labels are in src/web/i18n/greenpass.vi.json, English whole in greenpass.en.json (the English chunk).
 */
import i18n from 'i18next';
import vi from './texts.vi.json';

i18n.addResourceBundle('vi', 'translation', vi, true, false);
