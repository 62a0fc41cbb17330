"Package-level tests: every module imports, the README commands stay in step with nbs/index.ipynb, the CLI works end to end."
import importlib, json, os, pkgutil, subprocess, sys
from pathlib import Path
import pytest
import robustbook

ROOT = Path(__file__).resolve().parents[1]
FOUNDATION = ['core', 'data', 'models', 'train', 'attacks', 'eval', 'plots', 'reproduce', 'test_utils', 'bench', 'attribution', 'qp', 'hessian', 'diffusion', 'smoothing']


def all_modules():
    names = [f'robustbook.{m}' for m in FOUNDATION]
    for part in ('adversarial', 'defenses', 'dynamics', 'generative', 'science', 'shift', 'sparsity', 'language', 'explain', 'agents'):
        p = ROOT / 'robustbook' / part
        if p.is_dir(): names += [f'robustbook.{part}.{m.name}' for m in pkgutil.iter_modules([str(p)])]
    return names


@pytest.mark.parametrize('name', all_modules())
def test_module_imports(name):
    mod = importlib.import_module(name)
    for sym in getattr(mod, '__all__', []):
        assert hasattr(mod, sym), f'{name}.__all__ names {sym!r}, which is not defined'


def test_every_notebook_exports_a_module():
    for nb in (ROOT / 'nbs').rglob('*.ipynb'):
        if nb.name.startswith('_') or nb.name == 'index.ipynb' or '.ipynb_checkpoints' in nb.parts: continue
        src = json.loads(nb.read_text())['cells'][0]['source']
        src = ''.join(src) if isinstance(src, list) else src
        assert src.startswith('#| default_exp '), f'{nb} does not start with #| default_exp'
        mod = src.split()[2]
        assert (ROOT / 'robustbook' / (mod.replace('.', '/') + '.py')).exists(), f'{nb} exports {mod}, which is missing'


def _commands(text):
    lines = text.splitlines()
    return {l[2:]: lines[i + 1].strip() for i, l in enumerate(lines[:-1]) if l.startswith('# install and ')}


def test_readme_commands_match_index_notebook():
    nb = json.loads((ROOT / 'nbs' / 'index.ipynb').read_text())
    md = '\n'.join(''.join(c['source']) if isinstance(c['source'], list) else c['source'] for c in nb['cells'] if c['cell_type'] == 'markdown')
    ours, readme = _commands(md), _commands((ROOT / 'README.md').read_text())
    assert set(ours) == {'install and reproduce the claims', 'install and run the whole test suite'}
    assert ours == readme, 'README.md is out of date: regenerate it from nbs/index.ipynb'
    assert 'torch==2.13.0' in ours['install and run the whole test suite'] and 'nbdev_test' in ours['install and run the whole test suite']


def _cli(*args, env=None):
    e = dict(os.environ, **(env or {}))
    exe = Path(sys.executable).parent / 'robustbook'   # the installed console command, as a user runs it
    return subprocess.run([str(exe), *args], capture_output=True, text=True, env=e, timeout=600)


def test_cli_list():
    r = _cli('list')
    assert r.returncode == 0, r.stderr
    assert 'adversarial.power_law' in r.stdout


def test_cli_reproduce_quick(tmp_path):
    env = dict(ROBUSTBOOK_CACHE=str(tmp_path / 'cache'))
    r = _cli('reproduce', '--chapter', 'adversarial.power_law', '--scale', 'quick', '--out', str(tmp_path), '--no-progress', '--strict', env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert 'adversarial.power_law' in r.stdout and 'pass' in r.stdout
    rep = json.loads((tmp_path / 'report.json').read_text())
    assert rep[0]['chapter'] == 'adversarial.power_law' and rep[0]['passed'] is True and len(rep[0]['seeds']) >= 1
    assert (tmp_path / 'cache' / 'results.sqlite').exists()
    # a second run reuses the stored results instead of recomputing
    r2 = _cli('reproduce', '--chapter', 'adversarial.power_law', '--out', str(tmp_path), '--no-progress', env=env)
    assert r2.returncode == 0 and json.loads((tmp_path / 'report.json').read_text())[0]['results'] == rep[0]['results']


@pytest.mark.parametrize('args, msg', [
    (['reproduce', '--chapter', 'adversarial.nope'], 'unknown chapter'),
    (['reproduce', '--scale', 'huge'], 'invalid choice'),
    (['reproduce', '--seeds', '0'], '--seeds must be >= 1'),
    (['frobnicate'], 'invalid choice'),
])
def test_cli_bad_arguments(args, msg):
    r = _cli(*args)
    assert r.returncode == 2 and msg in r.stderr, r.stderr


def test_readme_python_example_runs():
    "The README's 'In your own code' example runs as written."
    text = (ROOT / 'README.md').read_text()
    blocks = text.split('```python')[1:]
    assert blocks, 'README.md has no python example'
    code = blocks[0].split('```')[0]
    ns = {}
    exec(compile(code, 'README.md', 'exec'), ns)
    assert 'model' in ns and 'data' in ns
