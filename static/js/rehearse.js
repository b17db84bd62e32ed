// The rehearsal page's recorder (templates/interviews/rehearsal/rehearse.html):
// pick a timer, Record, Stop (or the timer runs out and stops it), listen back,
// then "Keep this take" posts the recording to the page's address, as the
// upload form below does, or "Discard" drops it. Without MediaRecorder the
// recorder stays hidden and the upload form is the way; without a microphone
// (or permission to use it) the page says so and points at the upload.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("[data-recorder]");
  if (!box) {
    return;
  }
  const noMicrophone = document.querySelector("[data-no-microphone]");
  const say = (message) => {
    if (noMicrophone) {
      noMicrophone.textContent = message;
      noMicrophone.hidden = false;
    }
  };
  if (!window.MediaRecorder || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    say(
      "This browser cannot record here. Record on another device (your phone's voice " +
        "recorder works) and upload the file below."
    );
    return;
  }
  const recordButton = box.querySelector("[data-record]");
  const stopButton = box.querySelector("[data-stop]");
  const countdown = box.querySelector("[data-countdown]");
  const announce = box.querySelector("[data-announce]");
  const review = box.querySelector("[data-review]");
  const playback = box.querySelector("[data-playback]");
  const keepButton = box.querySelector("[data-keep]");
  const discardButton = box.querySelector("[data-discard]");
  const status = box.querySelector("[data-recorder-status]");
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  const TYPES = ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus", "audio/ogg", "audio/mp4"];
  const mimeType = TYPES.find((type) => MediaRecorder.isTypeSupported(type)) || "";
  box.hidden = false;

  let recorder = null;
  let stream = null;
  let chunks = [];
  let blob = null;
  let startedAt = 0;
  let seconds = 0; // the take's length, measured here
  let tick = null;
  let limit = 0; // the timer, in seconds; 0: none

  const clock = (total) => {
    const whole = Math.max(0, Math.round(total));
    return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
  };
  const timerValue = () => {
    const checked = box.querySelector("[data-timer]:checked");
    return checked ? Number(checked.value) : 0;
  };
  const setTimersDisabled = (disabled) => {
    box.querySelectorAll("[data-timer]").forEach((input) => {
      input.disabled = disabled;
    });
  };
  const clearTake = () => {
    if (playback.src) {
      URL.revokeObjectURL(playback.src);
    }
    playback.removeAttribute("src");
    blob = null;
    review.hidden = true;
  };

  const update = () => {
    const elapsed = (performance.now() - startedAt) / 1000;
    if (limit) {
      const left = limit - elapsed;
      countdown.textContent = `${clock(left)} left`;
      const whole = Math.ceil(left);
      if (whole === 30 || whole === 10) {
        if (announce.dataset.last !== String(whole)) {
          announce.dataset.last = String(whole);
          announce.textContent = `${whole} seconds left.`;
        }
      }
      if (left <= 0) {
        stop("Time is up: recording stopped.");
      }
    } else {
      countdown.textContent = `${clock(elapsed)} recorded`;
    }
  };

  const stop = (message) => {
    if (!recorder || recorder.state === "inactive") {
      return;
    }
    seconds = (performance.now() - startedAt) / 1000;
    clearInterval(tick);
    recorder.stop();
    stopButton.disabled = true;
    announce.textContent = message;
    status.textContent = message;
  };

  const start = async () => {
    clearTake();
    status.textContent = "";
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (error) {
      const denied = error && (error.name === "NotAllowedError" || error.name === "SecurityError");
      say(
        denied
          ? "Recording needs your permission to use the microphone, and the browser did not " +
              "give it. Allow the microphone for this site and press Record again, or upload a " +
              "recording below."
          : "No microphone was found. Connect one and press Record again, or upload a " +
              "recording below."
      );
      return;
    }
    if (noMicrophone) {
      noMicrophone.hidden = true;
    }
    chunks = [];
    recorder = mimeType ? new MediaRecorder(stream, { mimeType }) : new MediaRecorder(stream);
    recorder.addEventListener("dataavailable", (event) => {
      if (event.data && event.data.size) {
        chunks.push(event.data);
      }
    });
    recorder.addEventListener("stop", () => {
      stream.getTracks().forEach((track) => track.stop());
      blob = new Blob(chunks, { type: recorder.mimeType || mimeType || "audio/webm" });
      playback.src = URL.createObjectURL(blob);
      review.hidden = false;
      recordButton.disabled = false;
      recordButton.textContent = "Record again";
      setTimersDisabled(false);
      keepButton.focus();
    });
    limit = timerValue();
    startedAt = performance.now();
    announce.dataset.last = "";
    recorder.start(250);
    recordButton.disabled = true;
    stopButton.disabled = false;
    setTimersDisabled(true);
    announce.textContent = limit
      ? `Recording: ${limit / 60} minute${limit === 60 ? "" : "s"} on the timer.`
      : "Recording, no timer.";
    update();
    tick = setInterval(update, 250);
    stopButton.focus();
  };

  const extension = () => {
    const type = blob ? blob.type : "";
    if (type.includes("ogg")) return "ogg";
    if (type.includes("mp4")) return "m4a";
    return "webm";
  };

  const keep = async () => {
    if (!blob) {
      return;
    }
    keepButton.disabled = true;
    discardButton.disabled = true;
    status.textContent = "Keeping the take…";
    const data = new FormData();
    data.append("recording", blob, `rehearsal.${extension()}`);
    data.append("timer", String(limit));
    data.append("duration", seconds.toFixed(1));
    let answer = null;
    try {
      const response = await fetch(box.dataset.postUrl, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": token ? token.value : "" },
      });
      answer = await response.json().catch(() => null);
      if (response.ok && answer && answer.kept) {
        // The list of takes is the server's: show it with the new one.
        window.location.assign(`${answer.reload}#take-${answer.take}`);
        window.location.reload();
        return;
      }
    } catch (error) {
      answer = { message: "Not kept: the connection failed. Try Keep again." };
    }
    status.textContent = (answer && answer.message) || "Not kept: please try again.";
    keepButton.disabled = false;
    discardButton.disabled = false;
  };

  recordButton.addEventListener("click", start);
  stopButton.addEventListener("click", () => stop("Recording stopped."));
  keepButton.addEventListener("click", keep);
  discardButton.addEventListener("click", () => {
    clearTake();
    status.textContent = "Take discarded.";
    recordButton.focus();
  });
});
