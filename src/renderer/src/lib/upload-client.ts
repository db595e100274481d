/**
 * Sends a dropped file to the web shell (see main/web/upload.ts), reporting progress; the answer
 * is the path of the copy on the machine running the app. XMLHttpRequest rather than fetch: only
 * it reports upload progress. Same origin, so the token cookie goes with it.
 */
import { UPLOAD_NAME_PARAM, UPLOAD_PATH, type UploadReply, type UploadedFile } from '../../../main/web/upload-protocol';

export interface UploadProgress {
  sent: number;
  total: number;
}

function replyOf(request: XMLHttpRequest): UploadReply {
  try {
    return JSON.parse(request.responseText) as UploadReply;
  } catch {
    // Not ours: a refusal before the upload handler (no token, another origin) is plain text.
    return { ok: false, error: { code: 'internal', message: `${request.status}: ${request.responseText.trim() || 'no answer'}` } };
  }
}

export function uploadFile(file: File, onProgress: (progress: UploadProgress) => void, signal?: AbortSignal): Promise<UploadedFile> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', `${UPLOAD_PATH}?${UPLOAD_NAME_PARAM}=${encodeURIComponent(file.name)}`);
    request.setRequestHeader('Content-Type', 'application/octet-stream');
    request.upload.onprogress = (event) => onProgress({ sent: event.loaded, total: event.lengthComputable ? event.total : file.size });
    request.onload = () => {
      const reply = replyOf(request);
      if (reply.ok) resolve(reply.result);
      else reject(new Error(reply.error.message));
    };
    request.onerror = () => reject(new Error('The upload failed: the connection to HyperAdapt was lost. Is the web shell still running?'));
    request.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
    signal?.addEventListener('abort', () => request.abort(), { once: true });
    onProgress({ sent: 0, total: file.size });
    request.send(file);
  });
}
