// Where frames come from: the webcam, or a video file the user picks. Each failure becomes one
// sentence for the page (denied, no camera, camera busy or unplugged, not a video).
import { ARTICLE_CROP, articleCropRect, captureSize, greyscale, type RgbFrame, rgbOf } from '../src/browser';

/** Frames wider than this are scaled down on the canvas first: the model sees 224x224 anyway. */
export const MAX_CAPTURE_WIDTH = 640;

export type Crop = 'full' | 'article';
export const CROPS: readonly Crop[] = ['full', 'article'];

export class InputError extends Error {}

export function cameraMessage(err: unknown): string {
  const name = (err as { name?: string }).name ?? '';
  const keyboard = 'The game goes on with the keyboard; you can also pick a video file.';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return (
        'Camera access was denied. Allow the camera for this page (the camera icon in the address bar) ' +
        `and press "Use camera". ${keyboard}`
      );
    case 'NotFoundError':
    case 'OverconstrainedError':
      return `No camera was found. Plug one in and press "Use camera". ${keyboard}`;
    case 'NotReadableError':
    case 'AbortError':
      return `The camera could not be started (another program may be using it). ${keyboard}`;
    default:
      return `The camera could not be started (${name || 'error'}: ${(err as Error).message}). ${keyboard}`;
  }
}

export class VideoInput {
  readonly video: HTMLVideoElement;
  private readonly canvas = document.createElement('canvas');
  private readonly context: CanvasRenderingContext2D;
  private stream: MediaStream | undefined;
  private objectUrl: string | undefined;
  kind: 'none' | 'camera' | 'file' = 'none';
  /** A name for the HUD: the camera's label or the file name. */
  label = '';
  /** Called once when the camera stops delivering (unplugged, or stopped by the system). */
  onLost: (message: string) => void = () => {};

  constructor(video: HTMLVideoElement) {
    this.video = video;
    this.video.muted = true;
    this.video.playsInline = true;
    const context = this.canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new Error('this browser has no 2D canvas');
    this.context = context;
  }

  async useCamera(): Promise<void> {
    this.release();
    if (!navigator.mediaDevices?.getUserMedia) {
      throw new InputError(
        'This page cannot use a camera: open it as http://127.0.0.1 (or https). The game goes on with the keyboard.',
      );
    }
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
    } catch (err) {
      throw new InputError(cameraMessage(err));
    }
    const track = stream.getVideoTracks()[0];
    this.stream = stream;
    this.kind = 'camera';
    this.label = track?.label || 'camera';
    track?.addEventListener('ended', () => this.lost());
    this.video.srcObject = stream;
    await this.video.play();
  }

  async useFile(file: File): Promise<void> {
    this.release();
    this.objectUrl = URL.createObjectURL(file);
    this.kind = 'file';
    this.label = file.name;
    this.video.loop = true;
    this.video.src = this.objectUrl;
    await new Promise<void>((resolve, reject) => {
      const fail = () => {
        const code = this.video.error?.code;
        const why =
          code === MediaError.MEDIA_ERR_SRC_NOT_SUPPORTED ? 'not a video this browser can play' : 'unreadable';
        reject(
          new InputError(
            `${file.name}: ${why}. Pick another video (MP4/WebM) or use the camera; the keyboard still plays.`,
          ),
        );
      };
      this.video.addEventListener('error', fail, { once: true });
      this.video.addEventListener(
        'loadeddata',
        () => {
          this.video.removeEventListener('error', fail);
          if (this.video.videoWidth === 0) {
            reject(
              new InputError(`${file.name} has no picture (audio only?). Pick a video file; the keyboard still plays.`),
            );
          } else resolve();
        },
        { once: true },
      );
    });
    await this.video.play();
  }

  /** The current frame, or undefined when there is none (no input yet, camera gone, video not ready). */
  grab(crop: Crop): RgbFrame | undefined {
    if (this.kind === 'none') return undefined;
    if (this.kind === 'camera' && this.stream?.getVideoTracks()[0]?.readyState !== 'live') {
      this.lost();
      return undefined;
    }
    const v = this.video;
    if (v.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || v.videoWidth === 0) return undefined;
    if (crop === 'article') {
      const r = articleCropRect(v.videoWidth, v.videoHeight);
      this.resize(ARTICLE_CROP.width, ARTICLE_CROP.height);
      this.context.drawImage(v, r.sx, r.sy, r.sw, r.sh, 0, 0, ARTICLE_CROP.width, ARTICLE_CROP.height);
      return greyscale(this.read());
    }
    const size = captureSize(v.videoWidth, v.videoHeight, MAX_CAPTURE_WIDTH);
    this.resize(size.width, size.height);
    this.context.drawImage(v, 0, 0, size.width, size.height);
    return this.read();
  }

  /**
   * The current frame as a JPEG of at most `maxWidth` px wide (the page's recordings), or undefined
   * when there is none. Always the full frame: training sees what the game's model will see.
   */
  async snapshot(maxWidth: number): Promise<Blob | undefined> {
    const v = this.video;
    if (this.kind === 'none' || v.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || v.videoWidth === 0)
      return undefined;
    const size = captureSize(v.videoWidth, v.videoHeight, maxWidth);
    const canvas = document.createElement('canvas');
    canvas.width = size.width;
    canvas.height = size.height;
    canvas.getContext('2d')?.drawImage(v, 0, 0, size.width, size.height);
    return new Promise((resolve) => canvas.toBlob((b) => resolve(b ?? undefined), 'image/jpeg', 0.9));
  }

  /** Test hook: ends the camera track as an unplugged camera would. */
  stopCamera(): void {
    for (const t of this.stream?.getTracks() ?? []) t.stop();
  }

  private lost(): void {
    if (this.kind !== 'camera') return;
    this.kind = 'none';
    this.onLost(
      'The camera stopped (unplugged?). The game goes on with the keyboard; plug it back in and press "Use camera".',
    );
  }

  private resize(width: number, height: number): void {
    if (this.canvas.width !== width) this.canvas.width = width;
    if (this.canvas.height !== height) this.canvas.height = height;
  }

  private read(): RgbFrame {
    const { width, height } = this.canvas;
    return rgbOf(this.context.getImageData(0, 0, width, height).data, width, height);
  }

  private release(): void {
    for (const t of this.stream?.getTracks() ?? []) t.stop();
    this.stream = undefined;
    this.video.srcObject = null;
    if (this.objectUrl) URL.revokeObjectURL(this.objectUrl);
    this.objectUrl = undefined;
    this.video.removeAttribute('src');
    this.kind = 'none';
  }
}
