// Dynamic registration is done: tell the LMS (which opened this page) to close it.
(window.opener || window.parent).postMessage({ subject: "org.imsglobal.lti.close" }, "*");
