"""Draw the Open Graph image every page links to (static/img/og-painel.png).

    .venv/bin/python scripts/gerar_imagem_og.py

A 1200x630 card (the size link previews expect) drawn by Chromium from the
HTML below, in the design system's font and colours. The PNG is committed;
run this again only to change the card.
"""

import os
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE_DIR = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/lib/chromium/chromium")
SAIDA = BASE_DIR / "static" / "img" / "og-painel.png"
LARGURA, ALTURA = 1200, 630

CARTAO = """<!DOCTYPE html>
<html lang="pt-BR"><head><meta charset="utf-8">
<link rel="stylesheet" href="{fontes}/400.css"><link rel="stylesheet" href="{fontes}/700.css">
<style>
  body {{ margin: 0; width: {largura}px; height: {altura}px; font-family: Raleway, sans-serif;
         background: #fff; color: #333; display: flex; flex-direction: column; }}
  .topo {{ background: #071d41; color: #fff; padding: 40px 72px; font-size: 30px; }}
  .corpo {{ flex: 1; padding: 56px 72px 0; border-left: 16px solid #1351b4; }}
  h1 {{ margin: 0 0 24px; font-size: 76px; line-height: 1.05; color: #1351b4; }}
  p {{ margin: 0; font-size: 36px; line-height: 1.3; }}
  .rodape {{ padding: 0 72px 44px 88px; font-size: 28px; font-weight: 700; }}
  .gov b:nth-child(1), .gov b:nth-child(4) {{ color: #1351b4; }}
  .gov b:nth-child(2) {{ color: #f2a900; }} .gov b:nth-child(3) {{ color: #168821; }}
</style></head>
<body>
  <div class="topo">Ministério da Justiça e Segurança Pública · CGETP</div>
  <div class="corpo">
    <h1>Painel de Monitoramento do I PAECM</h1>
    <p>I Plano de Ação de Enfrentamento ao Contrabando de Migrantes (2024–2029):
       objetivos, ações, atividades e a execução de cada uma.</p>
  </div>
  <div class="rodape gov"><b>g</b><b>o</b><b>v</b><b>.br</b></div>
</body></html>
"""


def main() -> None:
    fontes = (BASE_DIR / "static" / "vendor" / "raleway").as_uri()
    html = CARTAO.format(fontes=fontes, largura=LARGURA, altura=ALTURA)
    pagina_html = SAIDA.with_suffix(".html")
    pagina_html.write_text(html, encoding="utf-8")
    try:
        with sync_playwright() as p:
            navegador = p.chromium.launch(executable_path=CHROMIUM)
            pagina = navegador.new_page(viewport={"width": LARGURA, "height": ALTURA})
            pagina.goto(pagina_html.as_uri())
            pagina.evaluate("document.fonts.ready")
            pagina.screenshot(path=str(SAIDA))
            navegador.close()
    finally:
        pagina_html.unlink()
    print(f"{SAIDA.relative_to(BASE_DIR)}: {LARGURA}x{ALTURA}")


if __name__ == "__main__":
    main()
