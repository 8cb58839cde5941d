import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** `value` drawn as a QR image (a data: URL, allowed by the CSP), scaled to its container. */
export function QrImage({ value, alt }: { value: string; alt: string }) {
  const { t } = useTranslation();
  const [src, setSrc] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let current = true;
    setSrc(null);
    QRCode.toDataURL(value, {
      errorCorrectionLevel: 'M',
      margin: 2,
      width: 512,
      color: { dark: '#000000', light: '#ffffff' },
    })
      .then((url) => {
        if (current) setSrc(url);
      })
      .catch(() => {
        if (current) setFailed(true);
      });
    return () => {
      current = false;
    };
  }, [value]);

  if (failed) return <p className="alert alert-error">{t('errors.unknown')}</p>;
  if (!src)
    return (
      <p className="qr-placeholder" aria-busy="true">
        {t('qr.rendering')}
      </p>
    );
  return <img className="qr-image" src={src} alt={alt} width={512} height={512} data-qr={value} />;
}
