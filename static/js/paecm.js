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

  document.addEventListener("DOMContentLoaded", function () {
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
