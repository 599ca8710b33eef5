"""Build of the compiled search core (router/routing/_labelloop.pyx, Cython → C++).

Everything else is declared in pyproject.toml; ``pip install -e .`` (``make setup``) and a plain
``pip install .`` compile the extension with the machine's C++ compiler.
"""

from Cython.Build import cythonize
from setuptools import Extension, setup

setup(
    ext_modules=cythonize(
        [
            Extension(
                "router.routing._labelloop",
                ["router/routing/_labelloop.pyx"],
                language="c++",
                extra_compile_args=["-O2"],
            )
        ],
        compiler_directives={"language_level": "3"},
    )
)
