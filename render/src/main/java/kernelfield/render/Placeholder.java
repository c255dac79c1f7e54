package kernelfield.render; final class Placeholder {}
