import { describe, expect, it } from 'vitest';
import { foldDiacritics, isNationalId, isUuid, normalizePhone } from './formats.ts';

describe('normalizePhone', () => {
  it.each([
    ['0912345678', '+84912345678'],
    ['0912 345 678', '+84912345678'],
    ['0912.345.678', '+84912345678'],
    ['(091) 234-5678', '+84912345678'],
    ['84912345678', '+84912345678'],
    ['+84 912 345 678', '+84912345678'],
    ['  0386123456 ', '+84386123456'],
    ['02513123456', '+842513123456'],
    ['+14155550123', '+14155550123'],
  ])('%s → %s', (input, expected) => {
    expect(normalizePhone(input)).toBe(expected);
  });

  it.each([
    '',
    'abc',
    '12345',
    '0112345678', // no VN mobile starts with 1
    '091234567', // too short
    '091234567890', // too long
    '+840912345678', // trunk 0 after the country code
    '+0912345678',
    '0912345678x',
  ])('rejects %j', (input) => {
    expect(normalizePhone(input)).toBeNull();
  });
});

describe('isNationalId', () => {
  it.each([
    ['079123456789', true],
    ['000000000000', true],
    ['07912345678', false],
    ['0791234567890', false],
    ['07912345678a', false],
    [' 079123456789', false],
    ['', false],
  ])('%j → %s', (input, expected) => {
    expect(isNationalId(input)).toBe(expected);
  });
});

describe('isUuid', () => {
  it.each([
    ['3f2b8c1e-9a4d-4e6f-8b1a-2c3d4e5f6a7b', true],
    ['3F2B8C1E-9A4D-4E6F-8B1A-2C3D4E5F6A7B', true],
    ['00000000-0000-0000-0000-000000000000', true],
    ['3f2b8c1e9a4d4e6f8b1a2c3d4e5f6a7b', false],
    ['3f2b8c1e-9a4d-4e6f-8b1a-2c3d4e5f6a7', false],
    ['3f2b8c1e-9a4d-4e6f-8b1a-2c3d4e5f6a7g', false],
    [' 3f2b8c1e-9a4d-4e6f-8b1a-2c3d4e5f6a7b', false],
    ['', false],
  ])('%j → %s', (input, expected) => {
    expect(isUuid(input)).toBe(expected);
  });
});

describe('foldDiacritics', () => {
  it.each([
    ['Tỉnh Đồng Nai', 'tinh dong nai'],
    ['Thành phố Biên Hòa', 'thanh pho bien hoa'],
    ['  Phường   Trúc  Bạch ', 'phuong truc bach'],
    ['đường Ấp Bắc', 'duong ap bac'],
    ['Nguyễn Thị Ánh Tuyết', 'nguyen thi anh tuyet'],
    ['dong nai', 'dong nai'],
  ])('%j → %j', (input, expected) => {
    expect(foldDiacritics(input)).toBe(expected);
  });

  it('folds precomposed and decomposed forms alike', () => {
    expect(foldDiacritics('Hòa'.normalize('NFD'))).toBe(foldDiacritics('Hòa'.normalize('NFC')));
  });
});
