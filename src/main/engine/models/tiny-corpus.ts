/**
 * A short English text, written for this project, from which tiny models learn their byte-level
 * BPE merges. It only has to be fixed (so the same seedless merges come out every time) and
 * varied enough that a few hundred merges find pairs that occur more than once.
 */
export const TINY_CORPUS = `
The small garden behind the old house had been left alone for many years. When the new owners
arrived in the spring, they found the paths covered in moss and the beds full of weeds. They
started with the roses, cutting back the dead wood and tying the long stems to the wall. Then
they turned the soil, added compost, and planted beans, peas, carrots, onions and a row of
sunflowers along the fence. By the middle of the summer the garden was green again, and the
neighbours stopped at the gate to ask what they were growing and how they had done it.

Learning to cook is mostly a matter of paying attention. Read the recipe before you begin, put
everything you need on the table, and taste the food as it cooks. Salt brings out flavour, acid
makes it bright, and fat carries it. If a sauce is too thick, add a little water; if it is too
thin, let it simmer a while longer. Bread needs time more than it needs work: mix the flour,
water, yeast and salt, cover the bowl, and let the dough rise slowly in a cool place overnight.

The weather changed quickly that afternoon. In the morning the sky had been clear and the sea
was calm, but by three o'clock a line of dark clouds was moving in from the west. The wind
picked up, the temperature dropped, and the first heavy drops of rain began to fall on the
harbour. The fishing boats came back early, one after another, and the people on the beach
gathered their things and hurried home. By evening the storm had passed, and the streets were
quiet and shining under the lamps.

A language model reads text as a sequence of tokens and learns to predict the next one. During
training it sees many examples, compares its predictions with the real text, and adjusts its
weights a little each time to make better predictions. When the training data is about a new
subject, the model slowly learns the words, the style and the facts of that subject. Careful
people keep a separate set of examples for validation, so they can see whether the model is
really learning or only remembering what it has already seen.

Every morning she walked to the station, bought a newspaper and a cup of coffee, and waited for
the train with the same group of people. They rarely spoke, but they nodded to each other, and
when one of them was missing the others noticed. On the train she read the news, looked out of
the window at the fields and the rivers, and thought about the work waiting for her at the
office. In the evening she took the same train home, and the fields looked different in the
fading light.

Questions are useful when they are clear. What do you want to know? Why does it matter? Who
could answer it, and where would they find the information? A good question often contains
half of its answer, because it shows what the person asking already understands and what they
are still looking for. Teachers say that there are no stupid questions, and they are right:
the only mistake is to stay silent when something is not clear.

The numbers told a simple story. In the first year the shop sold 1200 books, in the second
year 1850, and in the third year almost 2400. Most of the new customers came from the school
nearby, and most of them were looking for the same things: novels, poetry, history and books
about science. The owner decided to open a second room, to stay open later on Thursdays, and
to invite writers to read from their work on the first Saturday of every month.
`;
