// Loaded synchronously in <head>, before the first paint: marks the page as
// having JavaScript, so CSS can fold what only a script can unfold again (the
// phone menu). Without it <html> keeps "no-js" and everything stays open.
document.documentElement.classList.replace("no-js", "js");
