/**
 * The camera, when the browser can decode QR codes itself (BarcodeDetector: Chrome on Android, recent Safari).
 * Elsewhere, and in CI, the pages offer a text field to paste or type the code instead.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

interface DetectedBarcode {
  rawValue: string;
}
interface BarcodeDetectorLike {
  detect(source: HTMLVideoElement): Promise<DetectedBarcode[]>;
}
type BarcodeDetectorConstructor = new (options: { formats: string[] }) => BarcodeDetectorLike;

function detectorClass(): BarcodeDetectorConstructor | null {
  const ctor = (window as unknown as { BarcodeDetector?: BarcodeDetectorConstructor }).BarcodeDetector;
  return ctor && typeof navigator.mediaDevices?.getUserMedia === 'function' ? ctor : null;
}

export function cameraSupported(): boolean {
  return detectorClass() !== null;
}

/** A "Use the camera" button; while open, a live preview that calls `onCode` with the first QR it reads. */
export function CameraScanner({ onCode }: { onCode: (value: string) => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [failed, setFailed] = useState(false);
  const videoRef = useRef<HTMLVideoElement>(null);
  const onCodeRef = useRef(onCode);
  onCodeRef.current = onCode;

  useEffect(() => {
    if (!open) return;
    const Detector = detectorClass();
    if (!Detector) return;
    let stopped = false;
    let stream: MediaStream | null = null;
    let timer = 0;
    const detector = new Detector({ formats: ['qr_code'] });
    const tick = async () => {
      const video = videoRef.current;
      if (stopped || !video) return;
      try {
        if (video.readyState >= 2) {
          const [code] = await detector.detect(video);
          if (code?.rawValue && !stopped) {
            onCodeRef.current(code.rawValue);
            setOpen(false);
            return;
          }
        }
      } catch {
        // a frame that could not be read: try the next one
      }
      timer = window.setTimeout(() => void tick(), 250);
    };
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: 'environment' }, audio: false })
      .then((s) => {
        stream = s;
        if (stopped) return;
        const video = videoRef.current;
        if (video) {
          video.srcObject = s;
          void video.play().catch(() => undefined);
        }
        void tick();
      })
      .catch(() => {
        setFailed(true);
        setOpen(false);
      });
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      for (const track of stream?.getTracks() ?? []) track.stop();
    };
  }, [open]);

  if (!cameraSupported()) return <p className="muted ck-camera-note">{t('checkins.camera.unsupported')}</p>;
  return (
    <div className="ck-camera">
      {failed ? <p className="alert alert-info">{t('checkins.camera.failed')}</p> : null}
      <button
        type="button"
        className="button button-secondary"
        aria-pressed={open}
        onClick={() => {
          setFailed(false);
          setOpen((o) => !o);
        }}
      >
        {open ? t('checkins.camera.stop') : t('checkins.camera.start')}
      </button>
      {open ? (
        <video ref={videoRef} className="ck-video" muted playsInline aria-label={t('checkins.camera.preview')} />
      ) : null}
    </div>
  );
}
