// Progressive enhancements only: every page works without this file.
// Loaded in <head> (not deferred) so a saved contrast choice applies before
// the first paint; it touches the page only after the DOM is ready.
(function () {
  "use strict";

  var CHAVE = "paecm-contraste";
  var raiz = document.documentElement;

  // "alto" or "normal" as chosen by the person; nothing chosen follows the
  // system's prefers-contrast (see the media query in paecm.css).
  function aplicar(escolha) {
    raiz.classList.toggle("alto-contraste", escolha === "alto");
    raiz.classList.toggle("contraste-normal", escolha === "normal");
  }

  function altoContrasteAtivo() {
    if (raiz.classList.contains("alto-contraste")) return true;
    if (raiz.classList.contains("contraste-normal")) return false;
    return window.matchMedia("(prefers-contrast: more)").matches;
  }

  function lerEscolha() {
    try {
      return window.localStorage.getItem(CHAVE);
    } catch (erro) {
      return null; // storage blocked: the choice lasts for this page only
    }
  }

  function guardarEscolha(escolha) {
    try {
      window.localStorage.setItem(CHAVE, escolha);
    } catch (erro) {
      // storage blocked: nothing to do
    }
  }

  aplicar(lerEscolha());

  // A form with errors: focus moves to its error summary, which the page
  // title also announces ("Erro: …").
  document.addEventListener("DOMContentLoaded", function () {
    var resumo = document.getElementById("resumo-de-erros");
    if (resumo) resumo.focus();
  });

  // /plano/: "Link desta seleção" copies the canonical address instead of
  // following it; "Imprimir" appears only where it works. Without this file
  // the link is a plain link to the same address, and printing is the browser's.
  function ligarCompartilhar() {
    var link = document.querySelector("[data-copiar-link]");
    var aviso = document.querySelector("[data-aviso-copiado]");
    if (link && navigator.clipboard && window.isSecureContext) {
      link.textContent = "Copiar link";
      link.setAttribute("role", "button");
      link.addEventListener("click", function (evento) {
        evento.preventDefault();
        navigator.clipboard.writeText(link.href).then(
          function () { if (aviso) aviso.textContent = "Link copiado."; },
          function () { if (aviso) aviso.textContent = "Não foi possível copiar; use o endereço do link."; }
        );
      });
    }
    var imprimir = document.querySelector("[data-imprimir]");
    if (imprimir && typeof window.print === "function") {
      imprimir.hidden = false;
      imprimir.addEventListener("click", function () { window.print(); });
    }
  }

  // After "Filtrar" (a page loaded with a query), focus the results heading,
  // which states the count, instead of the top of the page.
  function focarResultado() {
    var titulo = document.getElementById("resultado-titulo");
    if (titulo && window.location.search && !window.location.hash) {
      titulo.focus({ preventScroll: false });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    ligarCompartilhar();
    focarResultado();
    var botao = document.getElementById("alternar-contraste");
    if (!botao) return;
    botao.hidden = false;
    botao.setAttribute("aria-pressed", String(altoContrasteAtivo()));
    botao.addEventListener("click", function () {
      var escolha = altoContrasteAtivo() ? "normal" : "alto";
      aplicar(escolha);
      guardarEscolha(escolha);
      botao.setAttribute("aria-pressed", String(escolha === "alto"));
    });
  });
})();
