namespace EdgeMicro.Core.Device.Config
{
    /// <summary>The hand-written parser of <see cref="FlatJson"/> (one pass over the text, errors with positions).</summary>
    public sealed partial class FlatJson
    {
        private void ParseObject()
        {
            Expect('{');
            SkipSpace();
            if (Peek() == '}')
            {
                _at++;
            }
            else
            {
                while (true)
                {
                    SkipSpace();
                    Expect('"');
                    string key = ReadString();
                    if (IndexOf(key) >= 0)
                    {
                        throw Error("duplicate key '" + key + "'");
                    }

                    if (_count == MaxKeys)
                    {
                        throw Error("more than " + MaxKeys.ToString() + " keys");
                    }

                    Expect(':');
                    _keys[_count] = key;
                    ReadValue(_count);
                    _count++;
                    SkipSpace();
                    char c = Next();
                    if (c == '}')
                    {
                        break;
                    }

                    if (c != ',')
                    {
                        throw Error("expected ',' or '}'");
                    }
                }
            }

            SkipSpace();
            if (_at != _text.Length)
            {
                throw Error("unexpected text after the object");
            }
        }

        private void ReadValue(int slot)
        {
            SkipSpace();
            char c = Peek();
            if (c == '"')
            {
                _at++;
                _kinds[slot] = KindString;
                _strings[slot] = ReadString();
            }
            else if (c == '-' || (c >= '0' && c <= '9'))
            {
                _kinds[slot] = KindNumber;
                _numbers[slot] = ReadNumber();
            }
            else if (c == '[')
            {
                _at++;
                _kinds[slot] = KindArray;
                _arrays[slot] = ReadArray();
            }
            else if (Word("true"))
            {
                _kinds[slot] = KindBool;
                _numbers[slot] = 1;
            }
            else if (Word("false"))
            {
                _kinds[slot] = KindBool;
                _numbers[slot] = 0;
            }
            else if (Word("null"))
            {
                _kinds[slot] = KindNull;
            }
            else
            {
                throw Error("expected a string, integer, true, false, null or [integers] (objects are not supported)");
            }
        }

        private int[] ReadArray()
        {
            int[] values = new int[8];
            int n = 0;
            SkipSpace();
            if (Peek() == ']')
            {
                _at++;
                return new int[0];
            }

            while (true)
            {
                SkipSpace();
                long v = ReadNumber();
                if (v < -2147483648L || v > 2147483647L)
                {
                    throw Error("array value out of int32 range");
                }

                if (n == values.Length)
                {
                    int[] bigger = new int[n * 2];
                    System.Array.Copy(values, bigger, n);
                    values = bigger;
                }

                values[n++] = (int)v;
                SkipSpace();
                char c = Next();
                if (c == ']')
                {
                    break;
                }

                if (c != ',')
                {
                    throw Error("expected ',' or ']'");
                }
            }

            int[] result = new int[n];
            System.Array.Copy(values, result, n);
            return result;
        }

        private long ReadNumber()
        {
            bool negative = Peek() == '-';
            if (negative)
            {
                _at++;
            }

            long v = 0;
            int digits = 0;
            while (_at < _text.Length && _text[_at] >= '0' && _text[_at] <= '9')
            {
                if (++digits > 18)
                {
                    throw Error("integer too long");
                }

                v = (v * 10) + (_text[_at++] - '0');
            }

            if (digits == 0)
            {
                throw Error("expected a digit");
            }

            char c = Peek();
            if (c == '.' || c == 'e' || c == 'E')
            {
                throw Error("only integers are supported");
            }

            return negative ? -v : v;
        }

        private string ReadString()
        {
            char[] chars = new char[_text.Length - _at];
            int n = 0;
            while (true)
            {
                if (_at >= _text.Length)
                {
                    throw Error("unterminated string");
                }

                char c = _text[_at++];
                if (c == '"')
                {
                    return new string(chars, 0, n);
                }

                if (c < ' ')
                {
                    throw Error("control character in string");
                }

                if (c == '\\')
                {
                    c = Unescape(Next());
                }

                chars[n++] = c;
            }
        }

        private char Unescape(char e)
        {
            switch (e)
            {
                case '"': return '"';
                case '\\': return '\\';
                case '/': return '/';
                case 'b': return '\b';
                case 'f': return '\f';
                case 'n': return '\n';
                case 'r': return '\r';
                case 't': return '\t';
                case 'u':
                    int v = 0;
                    for (int i = 0; i < 4; i++)
                    {
                        int d = Hex.Digit(Next());
                        if (d < 0)
                        {
                            throw Error("bad \\u escape");
                        }

                        v = (v << 4) | d;
                    }

                    return (char)v;
                default:
                    throw Error("bad escape");
            }
        }

        private bool Word(string w)
        {
            if (_at + w.Length > _text.Length)
            {
                return false;
            }

            for (int i = 0; i < w.Length; i++)
            {
                if (_text[_at + i] != w[i])
                {
                    return false;
                }
            }

            _at += w.Length;
            return true;
        }

        private void SkipSpace()
        {
            while (_at < _text.Length && (_text[_at] == ' ' || _text[_at] == '\t' || _text[_at] == '\r' || _text[_at] == '\n'))
            {
                _at++;
            }
        }

        private void Expect(char c)
        {
            SkipSpace();
            if (Next() != c)
            {
                throw Error("expected '" + new string(new char[] { c }, 0, 1) + "'");
            }
        }

        private char Peek()
        {
            return _at < _text.Length ? _text[_at] : '\0';
        }

        private char Next()
        {
            if (_at >= _text.Length)
            {
                throw Error("unexpected end");
            }

            return _text[_at++];
        }

        private DeviceFormatException Error(string what)
        {
            return new DeviceFormatException("JSON at character " + _at.ToString() + ": " + what);
        }
    }
}
