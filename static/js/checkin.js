// Check-in page: read her QR code with the phone's camera or from a photo of it, then send the code form.
// Loaded with defer. The browser's own BarcodeDetector reads the code where it has one (Chromium on Android,
// macOS, ChromeOS); elsewhere (iPhone, Firefox, desktop Linux) the vendored ZXing decoder does, loaded from
// our origin only then. Camera frames are read on a canvas, at most a few times a second.
// Without this script the camera block stays hidden and staff type the code or use a hand-held scanner: the
// page works the same. Texts come translated from data-* attributes. The photo never leaves the device.
(function () {
  "use strict";

  var FRAME_INTERVAL_MS = 250;
  // ZXing misses some codes at one size that it reads at another: each camera frame is read at the next of
  // these sizes (longest side, in pixels), a photo at each in turn until one gives the code.
  var FRAME_MAX_SIDES = [800, 560, 400];
  var PHOTO_MAX_SIDES = [1280, 2400, 800, 560];

  function nativeReader() {
    if (!("BarcodeDetector" in window)) { return Promise.resolve(null); }
    var formats = window.BarcodeDetector.getSupportedFormats
      ? window.BarcodeDetector.getSupportedFormats()
      : Promise.resolve(["qr_code"]);
    return formats.then(function (list) {
      if (list.indexOf("qr_code") === -1) { return null; }
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      return function (source) {
        return detector.detect(source).then(function (codes) {
          return codes.length && codes[0].rawValue ? codes[0].rawValue : null;
        });
      };
    }, function () { return null; });
  }

  function loadScript(src) {
    if (window.ZXing) { return Promise.resolve(); }
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = function () { if (window.ZXing) { resolve(); } else { reject(new Error("no ZXing")); } };
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  // The fallback: draw the picture on a canvas, no bigger than maxSide, and let ZXing look for a QR code.
  function zxingReader() {
    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d", { willReadFrequently: true });

    function decode(source, maxSide) {
      var ZXing = window.ZXing;
      var width = source.videoWidth || source.width;
      var height = source.videoHeight || source.height;
      if (!width || !height) { return null; }
      var scale = Math.min(1, maxSide / Math.max(width, height));
      canvas.width = Math.round(width * scale);
      canvas.height = Math.round(height * scale);
      context.drawImage(source, 0, 0, canvas.width, canvas.height);
      var pixels = context.getImageData(0, 0, canvas.width, canvas.height);
      // An Int32Array of the pixels: ZXing reads each as one colour value and averages red, 2 × green, blue.
      var luminance = new ZXing.RGBLuminanceSource(new Int32Array(pixels.data.buffer), pixels.width, pixels.height);
      var hints = new Map([[ZXing.DecodeHintType.TRY_HARDER, true]]);
      return new ZXing.QRCodeReader().decode(new ZXing.BinaryBitmap(new ZXing.HybridBinarizer(luminance)), hints).getText();
    }

    return function (source, maxSide) {
      try {
        return Promise.resolve(decode(source, maxSide));
      } catch (error) {
        // NotFound, Checksum and Format exceptions: no readable code in this picture (at this size).
        return Promise.resolve(null);
      }
    };
  }

  function readerFor(camera) {
    return nativeReader().then(function (read) {
      if (read) { return read; }
      return loadScript(camera.dataset.decoderSrc).then(zxingReader);
    });
  }

  // The photo as something a canvas can draw: an ImageBitmap, or an <img> from a data: URL (the CSP allows
  // data: images, not blob: ones) where createImageBitmap cannot take a file.
  function pictureOf(file) {
    if (window.createImageBitmap) {
      return window.createImageBitmap(file).catch(function () { return imageOf(file); });
    }
    return imageOf(file);
  }

  function imageOf(file) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () {
        var image = new Image();
        image.onload = function () { resolve(image); };
        image.onerror = reject;
        image.src = reader.result;
      };
      reader.onerror = reject;
      reader.readAsDataURL(file);
    });
  }

  function enable(camera, form, field) {
    var button = document.getElementById("checkin-camera-button");
    var label = button.querySelector(".kern-label");
    var preview = document.getElementById("checkin-camera-preview");
    var video = preview.querySelector("video");
    var status = document.getElementById("checkin-camera-status");
    var photo = document.getElementById("checkin-photo");
    var hint = document.getElementById("checkin-no-camera");
    var media = navigator.mediaDevices;
    var reading = null;
    var stream = null;
    var frame = null;
    var busy = false;
    var lastLook = 0;
    var frames = 0;

    function reader() {
      if (!reading) {
        reading = readerFor(camera);
        reading.catch(function () { reading = null; });
      }
      return reading;
    }

    function stop() {
      if (frame) { cancelAnimationFrame(frame); frame = null; }
      if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); stream = null; }
      video.srcObject = null;
      preview.hidden = true;
      label.textContent = camera.dataset.startLabel;
    }

    function found(value) {
      stop();
      field.value = value;
      status.textContent = camera.dataset.foundText;
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
    }

    function look(read) {
      frame = requestAnimationFrame(function (now) {
        frame = null;
        if (!stream) { return; }
        if (busy || video.readyState < 2 || now - lastLook < FRAME_INTERVAL_MS) { look(read); return; }
        busy = true;
        lastLook = now;
        var side = FRAME_MAX_SIDES[frames % FRAME_MAX_SIDES.length];
        frames += 1;
        read(video, side).then(function (value) {
          busy = false;
          if (!stream) { return; }
          if (value) { found(value); } else { look(read); }
        }, function () {
          busy = false;
          if (stream) { look(read); }
        });
      });
    }

    function start() {
      status.textContent = "";
      reader().then(function (read) {
        media.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (granted) {
          stream = granted;
          video.srcObject = granted;
          preview.hidden = false;
          label.textContent = camera.dataset.stopLabel;
          status.textContent = camera.dataset.lookingText;
          var playing = video.play();
          if (playing && playing.catch) { playing.catch(function () {}); }
          look(read);
        }, function () {
          status.textContent = camera.dataset.errorText;
        });
      }, function () {
        status.textContent = camera.dataset.decoderErrorText;
      });
    }

    function readPhoto() {
      var file = photo.files && photo.files[0];
      if (!file) { return; }
      stop();
      status.textContent = camera.dataset.readingText;
      photo.value = "";
      reader().then(function (read) {
        pictureOf(file).then(function (picture) {
          // A phone photo is large: look at a smaller copy first, then at a larger one for a small code.
          return PHOTO_MAX_SIDES.reduce(function (previous, side) {
            return previous.then(function (value) { return value || read(picture, side); });
          }, Promise.resolve(null));
        }).then(function (value) {
          if (value) { found(value); } else { status.textContent = camera.dataset.notFoundText; }
        }, function () {
          status.textContent = camera.dataset.notFoundText;
        });
      }, function () {
        status.textContent = camera.dataset.decoderErrorText;
      });
    }

    if (media && media.getUserMedia) {
      button.addEventListener("click", function () {
        if (stream) { stop(); status.textContent = ""; } else { start(); }
      });
    } else {
      button.parentNode.hidden = true;
    }
    photo.addEventListener("change", readPhoto);
    window.addEventListener("pagehide", stop);
    camera.hidden = false;
    if (hint) { hint.hidden = true; }
  }

  function setUp() {
    var camera = document.getElementById("checkin-camera");
    var form = document.getElementById("form");
    var field = document.getElementById("id_code");
    if (!camera || !form || !field || !window.Promise || !window.Map || !window.Int32Array) { return; }
    enable(camera, form, field);
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", setUp); } else { setUp(); }
}());
