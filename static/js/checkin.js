// Check-in page: scan her QR code with the phone's camera (BarcodeDetector + getUserMedia). Loaded with defer.
// Without this script, or without BarcodeDetector, the camera block stays hidden and staff type the code or
// use a hand-held scanner: the page works the same. Texts come translated from data-* attributes.
(function () {
  "use strict";

  function enable(camera, form, field) {
    var button = document.getElementById("checkin-camera-button");
    var label = button.querySelector(".kern-label");
    var preview = document.getElementById("checkin-camera-preview");
    var video = preview.querySelector("video");
    var status = document.getElementById("checkin-camera-status");
    var hint = document.getElementById("checkin-no-camera");
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    var stream = null;
    var timer = null;

    function stop() {
      if (timer) { clearTimeout(timer); timer = null; }
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

    function look() {
      timer = null;
      if (!stream) { return; }
      var codes = video.readyState >= 2 ? detector.detect(video) : Promise.resolve([]);
      codes.then(function (list) {
        if (!stream) { return; }
        if (list.length && list[0].rawValue) { found(list[0].rawValue); } else { timer = setTimeout(look, 200); }
      }, function () {
        if (stream) { timer = setTimeout(look, 500); }
      });
    }

    function start() {
      status.textContent = "";
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (media) {
        stream = media;
        video.srcObject = media;
        preview.hidden = false;
        label.textContent = camera.dataset.stopLabel;
        status.textContent = camera.dataset.lookingText;
        var playing = video.play();
        if (playing && playing.catch) { playing.catch(function () {}); }
        look();
      }, function () {
        status.textContent = camera.dataset.errorText;
      });
    }

    button.addEventListener("click", function () {
      if (stream) { stop(); status.textContent = ""; } else { start(); }
    });
    window.addEventListener("pagehide", stop);
    camera.hidden = false;
    if (hint) { hint.hidden = true; }
  }

  function setUp() {
    var camera = document.getElementById("checkin-camera");
    var form = document.getElementById("form");
    var field = document.getElementById("id_code");
    var media = navigator.mediaDevices;
    if (!camera || !form || !field || !("BarcodeDetector" in window) || !media || !media.getUserMedia) { return; }
    var formats = window.BarcodeDetector.getSupportedFormats
      ? window.BarcodeDetector.getSupportedFormats()
      : Promise.resolve(["qr_code"]);
    formats.then(function (list) {
      if (list.indexOf("qr_code") !== -1) { enable(camera, form, field); }
    }, function () {});
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", setUp); } else { setUp(); }
}());
