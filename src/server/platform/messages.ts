/**
 * Human messages for every error code, Vietnamese first and English second. The code is the contract;
 * messages may be reworded freely. `{name}` placeholders are filled from the error's params.
 */
export const errorMessages = {
  VALIDATION_FAILED: { vi: 'Dữ liệu gửi lên không hợp lệ.', en: 'The request data is invalid.' },
  INVALID_JSON: { vi: 'Nội dung không phải JSON hợp lệ.', en: 'The request body is not valid JSON.' },
  BODY_TOO_LARGE: { vi: 'Nội dung gửi lên quá lớn.', en: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: { vi: 'Định dạng nội dung không được hỗ trợ.', en: 'Unsupported content type.' },
  NOT_FOUND: { vi: 'Không tìm thấy.', en: 'Not found.' },
  ROUTE_NOT_FOUND: { vi: 'Không có đường dẫn này.', en: 'No such route.' },
  METHOD_NOT_ALLOWED: { vi: 'Phương thức không được phép.', en: 'Method not allowed.' },
  UNAUTHENTICATED: { vi: 'Bạn cần đăng nhập.', en: 'You need to sign in.' },
  SESSION_EXPIRED: {
    vi: 'Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại.',
    en: 'Your session has expired; sign in again.',
  },
  FORBIDDEN: { vi: 'Bạn không có quyền thực hiện thao tác này.', en: 'You are not allowed to do this.' },
  RATE_LIMITED: { vi: 'Quá nhiều yêu cầu, vui lòng thử lại sau.', en: 'Too many requests; try again later.' },
  INTERNAL: { vi: 'Lỗi hệ thống, vui lòng thử lại sau.', en: 'Internal error; please try again later.' },
  NOT_READY: { vi: 'Hệ thống chưa sẵn sàng.', en: 'The service is not ready.' },
  DATABASE_UNAVAILABLE: {
    vi: 'Tạm thời không kết nối được cơ sở dữ liệu, vui lòng thử lại sau ít giây.',
    en: 'The database is temporarily unavailable; try again in a few seconds.',
  },
  INVALID_CHARACTERS: {
    vi: 'Dữ liệu chứa ký tự không được phép (ký tự NUL).',
    en: 'The request contains a character that is not allowed (NUL).',
  },
  BODY_TOO_DEEP: {
    vi: 'Dữ liệu gửi lên lồng nhau quá nhiều cấp.',
    en: 'The request body is nested too deeply.',
  },
  INVALID_VALUE: {
    vi: 'Một giá trị gửi lên nằm ngoài phạm vi cho phép.',
    en: 'A value in the request is outside the accepted range.',
  },
  REFERENCE_NOT_FOUND: {
    vi: 'Bản ghi được tham chiếu không tồn tại.',
    en: 'A record the request refers to does not exist.',
  },
  ALREADY_EXISTS: { vi: 'Bản ghi này đã tồn tại.', en: 'This record already exists.' },
  INVALID_CURSOR: {
    vi: 'Tham số trang (after) không hợp lệ: hãy dùng giá trị X-Next-Cursor của trang trước.',
    en: 'The page parameter (after) is invalid: use the X-Next-Cursor value of the previous page.',
  },
  URI_TOO_LONG: { vi: 'Đường dẫn quá dài.', en: 'The request URL is too long.' },
  INVALID_URL: {
    vi: 'Đường dẫn không hợp lệ (mã hóa phần trăm sai).',
    en: 'The request URL is invalid (bad percent-encoding).',
  },
  INVALID_PHONE: { vi: 'Số điện thoại không hợp lệ.', en: 'Invalid phone number.' },
  INVALID_NATIONAL_ID: { vi: 'Số CCCD phải gồm đúng 12 chữ số.', en: 'The national ID must be exactly 12 digits.' },
  OTP_INVALID: { vi: 'Mã xác thực không đúng.', en: 'The one-time code is wrong.' },
  OTP_EXPIRED: {
    vi: 'Mã xác thực đã hết hạn, vui lòng lấy mã mới.',
    en: 'The one-time code has expired; request a new one.',
  },
  OTP_LOCKED: {
    vi: 'Nhập sai quá nhiều lần, vui lòng thử lại sau {minutes} phút.',
    en: 'Too many wrong codes; try again in {minutes} minutes.',
  },
  OTP_TOO_MANY_SENDS: { vi: 'Đã gửi quá nhiều mã, vui lòng thử lại sau.', en: 'Too many codes sent; try again later.' },
  INVALID_CREDENTIALS: { vi: 'Tên đăng nhập hoặc mật khẩu không đúng.', en: 'Wrong username or password.' },
  ACCOUNT_LOCKED: {
    vi: 'Tài khoản tạm khóa do đăng nhập sai nhiều lần.',
    en: 'The account is temporarily locked after repeated failed sign-ins.',
  },
  TOTP_REQUIRED: { vi: 'Cần mã xác thực hai lớp (TOTP).', en: 'A two-factor (TOTP) code is required.' },
  TOTP_INVALID: { vi: 'Mã xác thực hai lớp không đúng.', en: 'The two-factor code is wrong.' },
  CURRENT_PASSWORD_WRONG: { vi: 'Mật khẩu hiện tại không đúng.', en: 'The current password is wrong.' },
  CSRF_ORIGIN_MISMATCH: {
    vi: 'Yêu cầu đến từ một trang web khác nên bị từ chối.',
    en: 'The request came from another website and was refused.',
  },
  TOTP_ALREADY_ENABLED: {
    vi: 'Xác thực hai lớp đã được bật; liên hệ quản trị viên để đặt lại.',
    en: 'Two-factor authentication is already enabled; ask an administrator to reset it.',
  },
  WEAK_PASSWORD: {
    vi: 'Mật khẩu phải dài ít nhất 12 ký tự.',
    en: 'The password must be at least 12 characters long.',
  },
  USERNAME_TAKEN: { vi: 'Tên đăng nhập đã được dùng.', en: 'This username is taken.' },
  UNKNOWN_ROLE: { vi: 'Vai trò không hợp lệ.', en: 'Unknown role.' },
  UNIT_NOT_FOUND: { vi: 'Không tìm thấy đơn vị hành chính.', en: 'Administrative unit not found.' },
  UNIT_NOT_COMMUNE: {
    vi: 'Thôn/ấp/tổ dân phố chỉ được tạo trong một xã/phường/thị trấn.',
    en: 'Hamlets can only be created inside a commune.',
  },
  UNIT_CODE_TAKEN: { vi: 'Mã đơn vị đã tồn tại.', en: 'This unit code already exists.' },
  PERSON_NOT_FOUND: { vi: 'Không tìm thấy người này.', en: 'Person not found.' },
  ORGANISATION_MEMBER_NAME_REQUIRED: {
    vi: 'Cần ghi họ tên người lao động đúng như trên CCCD.',
    en: "The worker's full name, as on their ID card, is required.",
  },
  ORGANISATION_MEMBER_NOT_MATCHED: {
    vi: 'Không có người nào với số CCCD (hoặc số điện thoại) và họ tên này. Người chưa có trong hệ thống do trạm y tế xã hoặc ban quản lý khu công nghiệp đăng ký.',
    en: 'Nobody on record has this national ID (or phone) with this full name. Someone not on record is registered by the commune health station or the park board.',
  },
  PERSON_EXISTS: {
    vi: 'Đã có người với số CCCD này.',
    en: 'A person with this national ID already exists.',
  },
  NATIONAL_ID_NOT_CLAIMED: {
    vi: 'Hồ sơ này không có số CCCD nào chờ xác minh.',
    en: 'This record has no national ID waiting to be verified.',
  },
  PERSON_IDENTITY_LOCKED: {
    vi: 'Họ tên, ngày/năm sinh, số CCCD và số điện thoại đã có trong hồ sơ thì không tự sửa được ({fields}). Để sửa, mang giấy tờ tới trạm y tế xã.',
    en: 'A name, birth date or year, national ID or phone already on record cannot be changed here ({fields}). To correct it, bring your papers to the commune health station.',
  },
  DEPENDANTS_TOO_MANY: {
    vi: 'Một tài khoản quản lý tối đa {max} người thân. Người khác do trạm y tế xã đăng ký.',
    en: 'One account manages at most {max} relatives. Anyone else is registered by the commune health station.',
  },
  PERSON_IDENTIFIER_REQUIRED: {
    vi: 'Cần số CCCD hoặc số điện thoại.',
    en: 'A national ID or a phone number is required.',
  },
  HOUSEHOLD_NOT_FOUND: { vi: 'Không tìm thấy hộ gia đình.', en: 'Household not found.' },
  STAFF_NOT_FOUND: { vi: 'Không tìm thấy cán bộ.', en: 'Staff user not found.' },
  PASSWORD_CHANGE_REQUIRED: {
    vi: 'Đây là mã đặt lại mật khẩu: hãy chọn mật khẩu mới để đăng nhập.',
    en: 'This is a password reset code: choose a new password to sign in.',
  },
  GRANT_NOT_FOUND: { vi: 'Không tìm thấy quyền này của cán bộ.', en: 'This grant of the staff user was not found.' },
  LAST_GRANT: {
    vi: 'Không thể xóa quyền cuối cùng của tài khoản; hãy đổi quyền hoặc khóa tài khoản.',
    en: "An account's last grant cannot be removed; change it or disable the account instead.",
  },
  OWN_ACCOUNT: {
    vi: 'Không thể tự thay đổi quyền, đặt lại mật khẩu hay đăng xuất bắt buộc tài khoản của chính mình ở đây.',
    en: 'You cannot change your own grants, reset your own password or force your own logout here.',
  },
  IDEMPOTENCY_KEY_REUSED: {
    vi: 'Khóa Idempotency-Key đã được dùng cho một yêu cầu khác.',
    en: 'This Idempotency-Key was already used for a different request.',
  },
  IDEMPOTENCY_KEY_INVALID: {
    vi: 'Idempotency-Key phải dài 1–128 ký tự ASCII nhìn thấy được (không có dấu cách).',
    en: 'Idempotency-Key must be 1–128 visible ASCII characters (no spaces).',
  },
  VENUE_NOT_FOUND: { vi: 'Không tìm thấy địa điểm.', en: 'Venue not found.' },
  POSTER_BUSY: {
    vi: 'Hệ thống đang tạo nhiều áp phích cùng lúc, vui lòng thử lại sau ít giây.',
    en: 'Many posters are being made right now; try again in a few seconds.',
  },
  VENUE_QR_INVALID: {
    vi: 'Mã QR địa điểm không hợp lệ hoặc đã hết hạn.',
    en: 'The venue QR code is invalid or has expired.',
  },
  VENUE_NOT_OPEN: {
    vi: 'Địa điểm/sự kiện không hoạt động vào thời điểm này.',
    en: 'The venue or event is not open at this time.',
  },
  VENUE_NOT_ROTATING: {
    vi: 'Địa điểm này không dùng mã QR thay đổi liên tục.',
    en: 'This venue does not use a rotating QR code.',
  },
  VENUE_EVENT_WINDOW_REQUIRED: {
    vi: 'Đám cưới, đám tang và chuyến xe cần thời gian bắt đầu và kết thúc.',
    en: 'Weddings, funerals and trips need a start and an end time.',
  },
  VENUE_REGISTRATION_LIMIT: {
    vi: 'Mỗi tài khoản chỉ đăng ký được {max} địa điểm trong 24 giờ; vui lòng thử lại sau.',
    en: 'One account may register at most {max} venues in 24 hours; try again later.',
  },
  VENUE_MANAGER_PHONE_STAFF_ONLY: {
    vi: 'Chỉ cán bộ mới đăng ký địa điểm thay người quản lý (số điện thoại người quản lý); người dân đăng ký thì chính mình là người quản lý.',
    en: "Only staff register a venue on someone's behalf (managerPhone); a citizen who registers a venue manages it themself.",
  },
  ZONE_NOT_FOUND: { vi: 'Không tìm thấy khu vực trong địa điểm.', en: 'Zone not found in this venue.' },
  PERSON_QR_INVALID: { vi: 'Mã QR cá nhân không hợp lệ.', en: 'The personal QR code is invalid.' },
  CHECKIN_NOT_FOUND: { vi: 'Không tìm thấy lượt quét.', en: 'Check-in not found.' },
  CHECKIN_TIME_IN_FUTURE: {
    vi: 'Thời điểm quét không được ở tương lai.',
    en: 'The check-in time cannot be in the future.',
  },
  CHECKIN_TIME_TOO_OLD: {
    vi: 'Thời điểm quét đã quá thời hạn lưu trữ ({days} ngày).',
    en: 'The check-in time is older than the retention window ({days} days).',
  },
  CHECKIN_DUPLICATE: {
    vi: 'Người này vừa được ghi nhận tại địa điểm này.',
    en: 'This person was just checked in at this venue.',
  },
  CHECKIN_TARGET_REQUIRED: {
    vi: 'Cần mã QR địa điểm, mã địa điểm, hoặc địa điểm kèm thông tin người.',
    en: 'A venue QR, a short code, or a venue with a person is required.',
  },
  BATCH_TOO_LARGE: { vi: 'Mỗi lần gửi tối đa {max} mục.', en: 'At most {max} items per batch.' },
  CHECKIN_PROOF_REQUIRED: {
    vi: 'Địa điểm chưa được xã/phường xác minh: chỉ ghi nhận được bằng mã QR cá nhân hoặc mã gửi qua tin nhắn tới điện thoại của người đó.',
    en: 'This venue is not verified by the commune yet: record people by their personal QR or a code sent to their phone.',
  },
  CHECKIN_BACKDATE_NOT_ALLOWED: {
    vi: 'Chỉ lượt quét chờ gửi tại cửa của cán bộ hoặc địa điểm đã xác minh mới được ghi giờ trong quá khứ.',
    en: 'Only scans queued at the door by staff or a verified venue may carry a past time.',
  },
  CHECKIN_BACKDATE_TOO_OLD: {
    vi: 'Lượt quét chờ gửi chỉ được ghi lùi tối đa {hours} giờ.',
    en: 'A queued scan may be at most {hours} hours old.',
  },
  DOOR_CODE_INVALID: {
    vi: 'Mã tin nhắn không đúng hoặc đã dùng; hãy gửi mã mới.',
    en: 'The code is wrong or already used; send a new one.',
  },
  DOOR_CODE_EXPIRED: { vi: 'Mã tin nhắn đã hết hạn; hãy gửi mã mới.', en: 'The code has expired; send a new one.' },
  DOOR_CODE_TOO_MANY_SENDS: {
    vi: 'Đã gửi quá nhiều mã, vui lòng thử lại sau.',
    en: 'Too many codes sent; try again later.',
  },
  DOOR_CODE_PHONE_NOT_VIETNAMESE: {
    vi: 'Mã tại cửa chỉ gửi được tới số di động Việt Nam (+84).',
    en: 'Door codes are sent to Vietnamese mobile numbers (+84) only.',
  },
  VENUE_NOT_VERIFIED: {
    vi: 'Địa điểm chưa được trạm y tế xã/phường xác minh: chưa thể ghi nhận người khác tại cửa (quét mã QR cá nhân, nhập số CCCD/điện thoại hay gửi mã tin nhắn). Người đến tự quét mã QR của địa điểm; nhờ xã/phường xác minh địa điểm.',
    en: 'This venue is not verified by the commune health station yet: its door cannot record anyone (personal QR, typed ID or phone, or a text-message code). Visitors scan the venue QR themselves; ask the commune to verify the venue.',
  },
  CHECKIN_BATCH_DOOR_ONLY: {
    vi: 'Gửi theo lô chỉ dành cho cửa của địa điểm: mỗi mục cần venueId (không dùng mã QR hay mã địa điểm của người dân).',
    en: "The batch endpoint is the venue door's: every item needs a venueId (not a citizen's venue QR or short code).",
  },
  CHECKIN_BATCH_DUPLICATE_ITEM: {
    vi: 'Trong lô có mục trùng (cùng Idempotency-Key, hoặc cùng một người tại cùng địa điểm và khu vực trong vòng 5 phút): mục {index} trùng với mục {duplicateOf}.',
    en: 'The batch repeats an item (the same idempotency key, or the same person at the same venue and zone within 5 minutes): item {index} repeats item {duplicateOf}.',
  },
  CHECKOUT_BACKDATE_NOT_ALLOWED: {
    vi: 'Tự khai báo ra về chỉ ghi nhận thời điểm hiện tại, không ghi lùi giờ.',
    en: 'Your own check-out is recorded now; it cannot carry a past time.',
  },
  CHECKOUT_AFTER_STAY_END: {
    vi: 'Giờ ra không được sau thời gian lưu lại tối đa của địa điểm ({latest}).',
    en: "The check-out time cannot be later than the venue's longest stay ({latest}).",
  },
  CONTACT_ALREADY_CONFIRMED: {
    vi: 'Người tiếp xúc đã được xác nhận và thông báo; không thể bỏ qua.',
    en: 'The contact is confirmed and was notified already; it cannot be dismissed.',
  },
  CASE_NOT_FOUND: { vi: 'Không tìm thấy ca bệnh.', en: 'Case not found.' },
  QUARANTINE_ORDER_NOT_FOUND: { vi: 'Không tìm thấy lệnh cách ly.', en: 'Quarantine order not found.' },
  QUARANTINE_NOT_ACTIVE: {
    vi: 'Chỉ đổi được ngày kết thúc của lệnh cách ly đang hiệu lực.',
    en: 'Only an active quarantine order can get a new end date.',
  },
  QUARANTINE_END_INVALID: {
    vi: 'Ngày kết thúc phải từ ngày bắt đầu ({startsOn}) đến {latest}.',
    en: 'The end date must lie between the first day ({startsOn}) and {latest}.',
  },
  CASE_EXISTS: {
    vi: 'Người này đang có một ca bệnh chưa kết thúc.',
    en: 'This person already has an open case.',
  },
  CASE_CLOSED: { vi: 'Ca bệnh đã kết thúc.', en: 'The case is closed.' },
  CONTACT_NOT_FOUND: { vi: 'Không tìm thấy người tiếp xúc này.', en: 'Contact not found.' },
  CASE_ONSET_AFTER_CONFIRMATION: {
    vi: 'Ngày khởi phát không thể sau ngày xác nhận.',
    en: 'Symptom onset cannot be after confirmation.',
  },
  CASE_TIME_IN_FUTURE: { vi: 'Thời điểm không được ở tương lai.', en: 'The time cannot be in the future.' },
  EN_KEY_INVALID: {
    vi: 'Khóa phơi nhiễm thứ {index} không hợp lệ; không khóa nào được lưu.',
    en: 'Exposure key {index} is invalid; no key was stored.',
  },
  EN_KEY_DUPLICATE: {
    vi: 'Khóa phơi nhiễm thứ {index} bị gửi trùng; không khóa nào được lưu.',
    en: 'Exposure key {index} is sent twice; no key was stored.',
  },
  EN_TOO_MANY_KEYS: { vi: 'Mỗi lần gửi tối đa {max} khóa phơi nhiễm.', en: 'At most {max} exposure keys per upload.' },
  EN_NO_KEYS: { vi: 'Chưa có khóa phơi nhiễm nào để gửi.', en: 'There are no exposure keys to upload.' },
  EN_CODE_INVALID: { vi: 'Mã xác nhận không đúng.', en: 'The verification code is wrong.' },
  EN_CODE_EXPIRED: {
    vi: 'Mã xác nhận đã hết hạn; hãy xin cán bộ y tế mã mới.',
    en: 'The verification code has expired; ask the health worker for a new one.',
  },
  EN_CODE_USED: { vi: 'Mã xác nhận đã được dùng.', en: 'The verification code has been used already.' },
  EN_TOKEN_INVALID: {
    vi: 'Phiên gửi khóa không hợp lệ; hãy nhập lại mã xác nhận.',
    en: 'The upload token is invalid; enter the verification code again.',
  },
  EN_TOKEN_EXPIRED: {
    vi: 'Phiên gửi khóa đã hết hạn; hãy xin cán bộ y tế mã mới.',
    en: 'The upload token has expired; ask the health worker for a new code.',
  },
  EN_TOKEN_USED: {
    vi: 'Phiên gửi khóa này đã được dùng để gửi các khóa khác.',
    en: 'This upload token was already used for other keys.',
  },
  EN_TOO_MANY_ATTEMPTS: {
    vi: 'Thử quá nhiều lần với mã này, vui lòng thử lại sau.',
    en: 'Too many attempts with this code; try again later.',
  },
  EN_CASE_NOT_CONFIRMED: {
    vi: 'Chỉ cấp mã cho ca bệnh đã xác nhận (F0).',
    en: 'Codes are issued for confirmed cases (F0) only.',
  },
  EN_CASE_NO_LONGER_CONFIRMED: {
    vi: 'Ca bệnh không còn ở trạng thái xác nhận (F0): mã xác nhận và phiên gửi khóa của ca này tạm thời không dùng được.',
    en: 'The case is no longer confirmed (F0): its verification codes and upload tokens do not work for now.',
  },
  EN_VERIFY_LOCKED: {
    vi: 'Có quá nhiều mã xác nhận sai được nhập gần đây; việc nhập mã tạm dừng, vui lòng thử lại sau {minutes} phút.',
    en: 'Too many wrong verification codes were entered recently; verification is paused, try again in {minutes} min.',
  },
  EN_TOO_MANY_LIVE_CODES: {
    vi: 'Đang có quá nhiều mã xác nhận chưa được dùng; vui lòng thử lại sau ít phút.',
    en: 'Too many verification codes are waiting to be used; try again in a few minutes.',
  },
  EN_EXPORT_NOT_FOUND: { vi: 'Không có gói khóa này.', en: 'No such export batch.' },
  // ——— testing ———
  SAMPLE_NOT_FOUND: { vi: 'Không tìm thấy mẫu xét nghiệm.', en: 'Sample not found.' },
  LAB_NOT_FOUND: { vi: 'Không tìm thấy phòng xét nghiệm.', en: 'Laboratory not found.' },
  CAMPAIGN_NOT_FOUND: { vi: 'Không tìm thấy đợt xét nghiệm.', en: 'Testing campaign not found.' },
  SHIPMENT_NOT_FOUND: { vi: 'Không tìm thấy chuyến gửi mẫu.', en: 'Shipment not found.' },
  SAMPLE_DUPLICATE_PERSON: {
    vi: 'Một người chỉ được lấy một lần trong một ống mẫu.',
    en: 'A person appears twice in one tube.',
  },
  SAMPLE_POOL_TOO_LARGE: {
    vi: 'Mẫu gộp tối đa {max} người.',
    en: 'A pooled tube takes at most {max} people.',
  },
  SAMPLE_POOL_TOO_SMALL: { vi: 'Mẫu gộp cần ít nhất 2 người.', en: 'A pooled tube needs at least 2 people.' },
  SAMPLE_ONE_PERSON: {
    vi: 'Mẫu đơn (RT-PCR cá nhân, test nhanh) chỉ của đúng một người.',
    en: 'An individual tube (RT-PCR, antigen) holds exactly one person.',
  },
  SAMPLE_TIME_IN_FUTURE: {
    vi: 'Thời điểm lấy mẫu không được ở tương lai.',
    en: 'The collection time is in the future.',
  },
  BARCODE_INVALID: {
    vi: 'Mã vạch không hợp lệ (4–40 ký tự chữ, số, gạch ngang; mã do hệ thống cấp có số kiểm tra).',
    en: 'Invalid barcode (4–40 letters, digits or dashes; barcodes the system issues carry a check digit).',
  },
  BARCODE_IN_USE: { vi: 'Mã vạch này đã dùng cho một ống mẫu khác.', en: 'This barcode is already on another tube.' },
  BARCODE_UNKNOWN: { vi: 'Không có ống mẫu nào mang mã vạch này.', en: 'No tube carries this barcode.' },
  BARCODE_NOT_ISSUED: {
    vi: 'Mã vạch 12 chữ số này chưa được hệ thống cấp; hãy dùng nhãn đã in từ hệ thống hoặc để hệ thống cấp mã.',
    en: 'This 12-digit barcode has not been issued yet; use a label the system printed, or let it issue one.',
  },
  RESULT_CONFLICT: {
    vi: 'Mẫu này đã có kết quả khác; muốn sửa phải dùng chức năng đính chính kèm lý do.',
    en: 'This sample already has a different result; change it only by a correction with a reason.',
  },
  RESULT_VALUE_INVALID: {
    vi: 'Kết quả phải là positive, negative hoặc invalid.',
    en: 'The result must be positive, negative or invalid.',
  },
  CT_INVALID: { vi: 'Giá trị Ct phải là số từ 0 đến 60.', en: 'Ct must be a number from 0 to 60.' },
  CT_NOT_ALLOWED: { vi: 'Giá trị Ct chỉ dùng cho mẫu RT-PCR.', en: 'Ct applies to RT-PCR tubes only.' },
  RESULT_TIME_INVALID: {
    vi: 'Thời điểm xét nghiệm không hợp lệ (ISO 8601, ví dụ 2021-08-15T14:30:00+07:00).',
    en: 'Invalid test time (ISO 8601, e.g. 2021-08-15T14:30:00+07:00).',
  },
  RESULT_TIME_IN_FUTURE: { vi: 'Thời điểm xét nghiệm không được ở tương lai.', en: 'The test time is in the future.' },
  RESULT_BEFORE_COLLECTION: {
    vi: 'Thời điểm xét nghiệm sớm hơn lúc lấy mẫu.',
    en: 'The test time is before the sample was collected.',
  },
  SAMPLE_OTHER_LAB: {
    vi: 'Mẫu này thuộc phòng xét nghiệm khác.',
    en: 'This sample belongs to another laboratory.',
  },
  SAMPLE_REJECTED: {
    vi: 'Mẫu này đã bị phòng xét nghiệm từ chối; cần lấy mẫu lại.',
    en: 'The laboratory rejected this sample; it must be collected again.',
  },
  SAMPLE_NO_RESULT: { vi: 'Mẫu này chưa có kết quả để đính chính.', en: 'This sample has no result to correct.' },
  SAMPLE_ALREADY_RESULTED: { vi: 'Mẫu này đã có kết quả.', en: 'This sample already has a result.' },
  SAMPLE_NOT_SHIPPABLE: {
    vi: 'Ống {barcode} không thể gửi (đã gửi, đã nhận hoặc đã có kết quả).',
    en: 'Tube {barcode} cannot be shipped (already shipped, received or resulted).',
  },
  CORRECTION_SAME_RESULT: {
    vi: 'Kết quả đính chính trùng với kết quả hiện tại.',
    en: 'The correction is the same as the current result.',
  },
  LAB_KEY_OTHER_LAB: {
    vi: 'Khóa API này thuộc phòng xét nghiệm khác.',
    en: 'This API key belongs to another laboratory.',
  },
  LAB_KEY_INVALID: { vi: 'Khóa API không hợp lệ hoặc đã bị thu hồi.', en: 'The API key is invalid or revoked.' },
  CSV_ENCODING_INVALID: {
    vi: 'Tệp không phải văn bản UTF-8; hãy lưu lại dưới dạng "CSV UTF-8".',
    en: 'The file is not UTF-8 text; save it as "CSV UTF-8".',
  },
  CSV_HEADER_INVALID: {
    vi: 'Dòng tiêu đề phải là: {header}',
    en: 'The header line must be: {header}',
  },
  CSV_EMPTY: { vi: 'Tệp không có dòng kết quả nào.', en: 'The file has no result rows.' },
  CSV_MALFORMED: {
    vi: 'Dòng CSV sai định dạng (dấu ngoặc kép không đóng hoặc ký tự lạ).',
    en: 'Malformed CSV line (an unclosed quote or a stray character).',
  },
  CSV_COLUMNS: {
    vi: 'Dòng phải có đúng 4 cột: barcode,result,ct,tested_at.',
    en: 'A line must have exactly 4 columns: barcode,result,ct,tested_at.',
  },
  CSV_TOO_MANY_LINES: {
    vi: 'Tệp có quá nhiều dòng (tối đa {max} dòng sau dòng tiêu đề); hãy chia thành nhiều tệp.',
    en: 'The file has too many lines (at most {max} after the header); split it into several files.',
  },
  CAMPAIGN_DATES_INVALID: {
    vi: 'Ngày kết thúc phải sau ngày bắt đầu (tối đa 60 ngày).',
    en: 'The end date must follow the start date (at most 60 days).',
  },
  UNIT_NOT_IN_CAMPAIGN: {
    vi: 'Đơn vị này không thuộc địa bàn của đợt xét nghiệm.',
    en: "This unit is not in the campaign's area.",
  },
  DECLARATION_INVALID: {
    vi: 'Câu trả lời khai báo không hợp lệ (câu hỏi không có, thiếu câu bắt buộc, sai kiểu hoặc ngày trong tương lai).',
    en: 'The declaration answers are invalid (unknown question, missing required answer, wrong type or a future date).',
  },
  DECLARATION_FORM_OUTDATED: {
    vi: 'Mẫu khai báo phiên bản {version} đã hết hiệu lực; hãy tải mẫu mới (phiên bản {currentVersion}).',
    en: 'Form version {version} is no longer accepted; load the current form (version {currentVersion}).',
  },
  DECLARATION_FORM_NOT_FOUND: { vi: 'Không có phiên bản mẫu khai báo này.', en: 'No such declaration form version.' },
  DECLARATION_FORM_INVALID: {
    vi: 'Mẫu khai báo không hợp lệ (quy tắc hoặc điều kiện nhắc đến câu hỏi không có, mã câu hỏi trùng).',
    en: 'The form is invalid (a rule or condition names a missing question, or question ids repeat).',
  },
  DECLARATION_REQUIRED: {
    vi: 'Địa điểm này yêu cầu khai báo y tế hôm nay trước khi vào.',
    en: 'This venue requires a health declaration today before entry.',
  },
  HEALTH_TASK_NOT_FOUND: { vi: 'Không tìm thấy việc cần theo dõi.', en: 'Follow-up task not found.' },
  HEALTH_TASK_TRANSITION: {
    vi: 'Không thể chuyển việc từ trạng thái {from} sang {to}.',
    en: 'The task cannot move from {from} to {to}.',
  },
  ENTERPRISE_NOT_FOUND: { vi: 'Không tìm thấy doanh nghiệp.', en: 'Enterprise not found.' },
  ORGANISATION_NOT_FOUND: { vi: 'Không tìm thấy cơ quan, doanh nghiệp.', en: 'Organisation not found.' },
  ORGANISATION_EXISTS: {
    vi: 'Doanh nghiệp này đã có danh sách người lao động.',
    en: 'This enterprise already has a member list.',
  },
  ORGANISATION_NAME_INVALID: {
    vi: 'Tên cơ quan, doanh nghiệp không được để trống (tối đa 200 ký tự).',
    en: "The organisation's name must not be blank (at most 200 characters).",
  },
  ORGANISATION_MEMBER_NOT_FOUND: {
    vi: 'Người này không có trong danh sách của cơ quan, doanh nghiệp.',
    en: 'This person is not a member of the organisation.',
  },
  MEMBERS_CSV_HEADER_INVALID: {
    vi: 'Dòng tiêu đề phải là: {header}',
    en: 'The header line must be: {header}',
  },
  MEMBERS_CSV_EMPTY: { vi: 'Tệp không có dòng nào để thêm.', en: 'The file has no member rows.' },
  MEMBERS_CSV_TOO_MANY: {
    vi: 'Mỗi tệp thêm tối đa {max} người.',
    en: 'A file adds at most {max} people.',
  },
  MEMBER_ROW_INVALID: {
    vi: 'Dòng phải có đúng 3 cột (national_id,phone,full_name) và ít nhất số CCCD hoặc số điện thoại.',
    en: 'A line must have exactly 3 columns (national_id,phone,full_name) and a national ID or a phone.',
  },
  ENTERPRISE_TAX_CODE_EXISTS: {
    vi: 'Mã số thuế này đã được đăng ký. Nếu không phải do doanh nghiệp của bạn đăng ký, hãy liên hệ ban quản lý khu công nghiệp hoặc UBND xã để được giao lại.',
    en: 'This tax code is already registered. If your enterprise did not register it, ask the park board or the commune to hand it over to you.',
  },
  ENTERPRISE_OWNER_NO_ACCOUNT: {
    vi: 'Số điện thoại này chưa có tài khoản Truyvet; chủ doanh nghiệp cần đăng nhập ứng dụng một lần trước.',
    en: 'This phone has no Truyvet account yet; the owner must sign in to the app once first.',
  },
  ENTERPRISE_TAX_CODE_INVALID: {
    vi: 'Mã số thuế gồm 10 chữ số, hoặc 10 chữ số kèm mã chi nhánh (-001).',
    en: 'A tax code is 10 digits, or 10 digits and a branch suffix (-001).',
  },
  ASSESSMENT_INVALID: {
    vi: 'Câu trả lời tự đánh giá không hợp lệ.',
    en: 'The self-assessment answers are invalid.',
  },
  CRITERIA_OUTDATED: {
    vi: 'Bộ tiêu chí phiên bản {version} không còn dùng; hãy dùng phiên bản {currentVersion}.',
    en: 'Criteria version {version} is not in use; use version {currentVersion}.',
  },
  PARTNER_KEY_INVALID: { vi: 'Khóa API đối tác không hợp lệ.', en: 'The partner API key is invalid.' },
  PARTNER_NOT_FOUND: { vi: 'Không tìm thấy đối tác.', en: 'Partner not found.' },
  PARTNER_PHONE_NOT_VERIFIED: {
    vi: 'Đối tác chưa xác minh số điện thoại này bằng mã OTP.',
    en: 'This partner has not verified this phone with a one-time code.',
  },
  PARTNER_CODE_INVALID: {
    vi: 'Mã xác minh không đúng (còn {attemptsLeft} lần thử).',
    en: 'Wrong verification code ({attemptsLeft} attempts left).',
  },
  PARTNER_CODE_EXPIRED: { vi: 'Mã xác minh đã hết hạn.', en: 'The verification code has expired.' },
  PARTNER_TOO_MANY_CODES: {
    vi: 'Đã gửi quá nhiều mã cho số này; hãy thử lại sau.',
    en: 'Too many codes sent to this phone; try again later.',
  },
  GREENPASS_NOT_FOUND: { vi: 'Không tìm thấy chứng nhận.', en: 'Certificate not found.' },
  GREENPASS_ALREADY_REVOKED: { vi: 'Chứng nhận này đã bị thu hồi.', en: 'This certificate is already revoked.' },
  GREENPASS_PDF_BUSY: {
    vi: 'Hệ thống đang tạo nhiều bản in thẻ xanh cùng lúc, vui lòng thử lại sau ít giây.',
    en: 'Many green pass printouts are being made right now; try again in a few seconds.',
  },
  DEV_ONLY: {
    vi: 'Chức năng này chỉ có khi dùng bộ gửi tin giả lập.',
    en: 'This is only available with the fake notification adapters.',
  },
  // ——— vaccination ———
  VACCINATION_INTERVAL_TOO_SHORT: {
    vi: 'Chưa đủ khoảng cách tối thiểu từ mũi trước ({minDays} ngày; mới được {days} ngày).',
    en: 'Too soon after the previous dose (minimum {minDays} days; it has been {days}).',
  },
  VACCINATION_MIX_NOT_ALLOWED: {
    vi: 'Không được tiêm phối hợp vắc xin này sau vắc xin của mũi trước.',
    en: 'This product may not follow the product of the previous dose.',
  },
  VACCINATION_LOT_EXPIRED: { vi: 'Lô vắc xin đã hết hạn sử dụng.', en: 'The vaccine lot has expired.' },
  VACCINATION_DOSE_NUMBER_INVALID: {
    vi: 'Số mũi không khớp với lịch sử tiêm (mũi tiếp theo là mũi {expected}).',
    en: 'The dose number does not match the history (the next dose is dose {expected}).',
  },
  VACCINATION_AGE_NOT_ALLOWED: {
    vi: 'Độ tuổi của người này nằm ngoài chỉ định của vắc xin.',
    en: "The person's age is outside the product's age limits.",
  },
  VACCINATION_SCREENING_NOT_PASSED: {
    vi: 'Khám sàng lọc kết luận hoãn tiêm hoặc chuyển viện.',
    en: 'The pre-vaccination screening deferred or referred this person.',
  },
  VACCINATION_LOT_WRONG_SITE: {
    vi: 'Lô vắc xin này thuộc điểm tiêm khác.',
    en: 'This vaccine lot belongs to another site.',
  },
  VACCINATION_LOT_PRODUCT_MISMATCH: {
    vi: 'Lô vắc xin không phải của loại vắc xin đã chọn.',
    en: 'The lot is not of the chosen product.',
  },
  VACCINATION_LOT_EMPTY: { vi: 'Lô vắc xin đã dùng hết.', en: 'The vaccine lot has no doses left.' },
  VACCINATION_LOT_UNKNOWN: { vi: 'Không có lô vắc xin này.', en: 'No such vaccine lot.' },
  VACCINATION_PRODUCT_UNKNOWN: { vi: 'Không có loại vắc xin này.', en: 'No such vaccine product.' },
  VACCINATION_GIVEN_AT_FUTURE: {
    vi: 'Thời điểm tiêm không được ở tương lai.',
    en: 'The time of the dose cannot be in the future.',
  },
  VACCINATION_PERSON_DATA_MISSING: {
    vi: 'Cần bổ sung thông tin bắt buộc (họ tên, năm sinh, nơi ở) trước khi ghi nhận mũi tiêm.',
    en: 'Complete the required data (name, birth year, unit) before recording a dose.',
  },
  VACCINATION_PRIORITY_GROUP_UNKNOWN: { vi: 'Không có nhóm ưu tiên này.', en: 'No such priority group.' },
  VACCINATION_ALREADY_REGISTERED: {
    vi: 'Người này đã đăng ký tiêm và đang chờ.',
    en: 'This person is already registered and waiting.',
  },
  VACCINATION_SITE_NOT_FOUND: { vi: 'Không tìm thấy điểm tiêm.', en: 'Vaccination site not found.' },
  VACCINATION_SESSION_NOT_FOUND: { vi: 'Không tìm thấy buổi tiêm.', en: 'Vaccination session not found.' },
  VACCINATION_DOSE_NOT_FOUND: { vi: 'Không tìm thấy mũi tiêm.', en: 'Dose not found.' },
  VACCINATION_DOSE_NOT_VALID: {
    vi: 'Mũi tiêm này không còn hiệu lực hoặc chưa được xác minh.',
    en: 'This dose is voided or not verified.',
  },
  VACCINATION_CORRECTION_NOT_FOUND: { vi: 'Không tìm thấy yêu cầu điều chỉnh.', en: 'Correction request not found.' },
  VACCINATION_TOO_MANY_PENDING: {
    vi: 'Đã có {max} yêu cầu đang chờ duyệt; vui lòng chờ kết quả trước khi gửi thêm.',
    en: 'There are already {max} requests waiting for a decision; wait for them before sending more.',
  },
  VACCINATION_OWN_REQUEST: {
    vi: 'Không được tự duyệt yêu cầu do chính mình gửi.',
    en: 'You cannot decide a request you made yourself.',
  },
  VACCINATION_CORRECTION_BREAKS_RULES: {
    vi: 'Không thể duyệt: sau điều chỉnh, hồ sơ tiêm sẽ vi phạm quy tắc tiêm chủng (xem chi tiết).',
    en: 'Cannot approve: the corrected record would break the vaccination rules (see details).',
  },
  VACCINATION_CORRECTION_VALUE_INVALID: {
    vi: 'Giá trị đề nghị điều chỉnh không hợp lệ cho trường này.',
    en: 'The proposed value is not valid for this field.',
  },
  VACCINATION_REASON_INVALID: {
    vi: 'Cần ghi lý do của quyết định.',
    en: 'Give a reason for the decision.',
  },
  VACCINATION_ALREADY_DECIDED: { vi: 'Yêu cầu này đã được xử lý.', en: 'This request has already been decided.' },
  VACCINATION_EVIDENCE_INVALID: {
    vi: 'Ảnh minh chứng phải là JPEG, PNG hoặc WebP hợp lệ.',
    en: 'The evidence must be a valid JPEG, PNG or WebP image.',
  },
  VACCINATION_EVIDENCE_TOO_LARGE: {
    vi: 'Ảnh minh chứng quá lớn (tối đa 2 MB).',
    en: 'The evidence image is too large (2 MB at most).',
  },
  VACCINATION_CHECKLIST_OUTDATED: {
    vi: 'Phiếu sàng lọc đã có phiên bản mới; hãy tải lại.',
    en: 'The screening checklist has a newer version; reload it.',
  },
  VACCINATION_NOT_DISTRICT: {
    vi: 'Chỉ cán bộ cấp huyện trở lên nơi có điểm tiêm được duyệt yêu cầu này.',
    en: "Only staff of the site's district (or above) decide this request.",
  },
} as const satisfies Record<string, { vi: string; en: string }>;

export type ErrorCode = keyof typeof errorMessages;

/** Fills `{name}` placeholders. */
export function formatMessage(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? `{${k}}`));
}
